"""The waste officers' desk pages: who may enter, editing a round, one-off changes, imports."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from townhall.accounts.models import Department, User
from townhall.core.models import AuditEvent
from townhall.desk.tests.factories import user_make
from townhall.waste.models import Round, RoundChange
from townhall.waste.tests.factories import address_make, round_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    waste = Department.objects.create(slug="waste-and-street-scene", name="Waste and street scene")
    client.force_login(user_make(departments=[waste]))
    return client


def test_only_waste_staff_and_administrators_reach_the_waste_pages(client):
    housing = Department.objects.create(slug="housing", name="Housing")
    client.force_login(user_make(departments=[housing]))
    assert client.get("/staff/waste/").status_code == 403
    client.force_login(user_make(role=User.Role.RESIDENT))
    assert client.get("/staff/waste/").status_code == 403
    client.force_login(user_make(role=User.Role.ADMIN))
    assert client.get("/staff/waste/").status_code == 200


def test_an_officer_edits_a_round_and_bad_input_changes_nothing(officer):
    round_ = round_make()
    url = f"/staff/waste/rounds/{round_.code}/"
    good = {
        "crew": "Crew 7",
        "weekday": "2",
        "frequency": "fortnightly",
        "week": "B",
        "crew_finish_time": "14:30",
    }
    assert officer.post(url, good).status_code == 302
    round_.refresh_from_db()
    assert (round_.crew, round_.weekday, round_.week) == ("Crew 7", 2, "B")
    bad = officer.post(url, {**good, "week": "", "crew": "Crew 8"})
    assert bad.status_code == 400
    assert "Select week A or week B for a fortnightly round" in bad.content.decode()
    round_.refresh_from_db()
    assert round_.crew == "Crew 7"
    assert AuditEvent.objects.filter(object_type="waste.round").count() == 1


def test_an_officer_records_and_removes_a_one_off_change(officer):
    round_ = round_make(weekday=4, week="A")
    url = f"/staff/waste/rounds/{round_.code}/changes/"
    wrong_day = officer.post(url, {"day": "10/12/2026", "kind": "cancelled", "reason": "Snow"})
    assert "does not collect on Thursday 10 December 2026" in wrong_day.content.decode()
    data = {"day": "11/12/2026", "kind": "moved", "new_date": "12/12/2026", "reason": "Snow"}
    officer.post(url, data)
    officer.post(url, data)  # a double submission still makes one change
    change = RoundChange.objects.get()
    assert (change.date, change.new_date) == (date(2026, 12, 11), date(2026, 12, 12))
    officer.post(f"{url}{change.pk}/remove/")
    assert not RoundChange.objects.exists()


def test_an_officer_imports_an_extract_or_sees_every_refused_line(officer):
    home = address_make()
    heading = "round,stream,day,frequency,week,crew,finish,uprn\n"
    bad = SimpleUploadedFile("r.csv", (heading + "R1,refuse,Friday,weekly,,C,,77\n").encode())
    refused = officer.post("/staff/waste/import/", {"extract": bad})
    assert refused.status_code == 400
    assert "Line 2: UPRN 77 is not in the gazetteer." in refused.content.decode()
    assert not Round.objects.exists()
    good = SimpleUploadedFile(
        "r.csv", (heading + f"R1,refuse,Friday,weekly,,C,,{home.uprn}\n").encode()
    )
    assert officer.post("/staff/waste/import/", {"extract": good}).status_code == 302
    assert Round.objects.get().code == "R1"
    page = officer.get(f"/staff/waste/addresses/{home.uprn}/").content.decode()
    assert "R1" in page and "No results from crews yet." in page
