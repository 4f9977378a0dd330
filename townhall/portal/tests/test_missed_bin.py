"""A missed bin reported against the round (issue 19 point 4): too early, not put out, too
late or in the window, decided from the calendar and the crew's results; in the window a case
goes straight to the round's contractor, due from the collection day; repeat misses flag the
address; the home page starts a report with the address and bin filled in (point 7)."""

import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.models import Department
from townhall.builder.services import service_import
from townhall.cases.models import Case
from townhall.cases.services import case_create
from townhall.contractors.models import ContractorJob
from townhall.core.calendars import LONDON, end_of_day
from townhall.demo.contractors import demo_contractors_load
from townhall.desk.tests.factories import user_make
from townhall.eforms.models import FormSession
from townhall.integrations.models import PartnerEndpoint
from townhall.portal.tests.fixtures import make_resident
from townhall.waste.models import CrewResult
from townhall.waste.tests.factories import address_make, round_make
from townhall.workflow.models import WorkItem

pytestmark = pytest.mark.django_db

SLUG = "report-a-missed-bin-collection"
SERVICE_FILE = Path(django_settings.BASE_DIR) / "townhall" / "demo" / "services" / f"{SLUG}.yaml"
# A weekly refuse round on Tuesdays, crew done by 3pm: Tuesday 8 December 2026.
TUESDAY = date(2026, 12, 8)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def clock(monkeypatch):
    """Set the time everything reads (the calendar, the case's dates)."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def home(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    cache.clear()
    demo_contractors_load()
    service_import(text=SERVICE_FILE.read_text())
    home = address_make(postcode="TN23 9ZX")
    round_ = round_make(stream="refuse", weekday=1, frequency="weekly", addresses=(home,))
    # The round's crew works for the bulky-collections contract, not the usual waste one.
    round_.contractor = "bulky_waste_contractor"
    round_.save()
    return home


def begin(client, data=None) -> str:
    response = client.post(reverse("portal:form_begin", args=[SLUG]), data or {})
    assert response.status_code == 302
    return response["Location"]


def answer(client, url: str, data: dict) -> str:
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def report(client, home, bin_type="refuse") -> str:
    """Address and bin answered: where the form goes next."""
    url = answer(client, begin(client), {"address-uprn": home.uprn})
    assert url.endswith("/bin-type/")
    return answer(client, url, {"bin_type": bin_type})


def send(client, url: str) -> Case:
    """Answer the remaining pages of an in-window report as a guest, and send it."""
    while "/check/" not in url:
        page = url.rstrip("/").rsplit("/", 1)[-1]
        data = {
            "bin-out": {"bin_out": "yes"},
            "details": {"details": ""},
            "your-details": {"contact_name": "Sam Resident", "contact_email": "sam@example.com"},
        }[page]
        url = answer(client, url, data)
    done = answer(client, url, {})
    assert "/done/" in done or "/confirmation/" in done or done
    return Case.objects.get(service__slug=SLUG)


def test_before_the_crew_has_finished_the_resident_is_told_when_to_report(client, home, clock):
    clock(at(TUESDAY, 11))
    url = report(client, home)
    assert url.startswith(reverse("portal:service_outcome", args=[SLUG, "too-early"]))
    page = client.get(url).content.decode()
    assert "Your bin is still due to be collected today" in page
    assert "The crew has until 3pm today to empty it." in page
    assert not Case.objects.exists() and not FormSession.objects.exists()


def test_an_outcome_pages_values_cannot_be_altered(client, home, clock):
    clock(at(TUESDAY, 11))
    url = report(client, home)
    forged = re.sub(r"values=[^&]+", "values=eyJyZXBvcnRfZnJvbSI6Im5ldmVyIn0:forged", url)
    page = client.get(forged).content.decode()
    assert "never" not in page and "{report_from}" in page


def test_in_the_window_a_case_goes_to_the_rounds_contractor_due_from_the_collection_day(
    client, home, clock
):
    clock(at(date(2026, 12, 9), 16))  # Wednesday, the day after
    url = report(client, home)
    assert url.endswith("/bin-out/")
    case = send(client, url)
    answers = case.submission.answers
    assert answers["collection_check"] == "in_window"
    assert answers["collection_date"] == "2026-12-08"
    assert "_prefill" not in answers
    # Two working days from the collection day (Tuesday), not from Wednesday's report.
    assert case.due_at == end_of_day(date(2026, 12, 10))
    job = ContractorJob.objects.get(case=case)
    assert job.contractor.partner.name == "bulky_waste_contractor"
    payload = job.outbox.payload
    assert payload["round"]["crew"] == "Crew 1" and payload["round"]["stream"] == "refuse"
    # No officer checks the round first: it was checked when the resident reported.
    assert not WorkItem.objects.filter(case=case, title="Check the round").exists()


def test_after_the_window_the_resident_is_told_it_is_too_late_and_offered_another_way(
    client, home, clock
):
    clock(at(date(2026, 12, 11), 9))  # Friday: Thursday was the last day
    url = report(client, home)
    assert url.startswith(reverse("portal:service_outcome", args=[SLUG, "too-late"]))
    page = client.get(url).content.decode()
    assert "It is too late to report this collection as missed" in page
    assert "Your bin was due on Tuesday 8 December" in page
    assert "by the end of Thursday 10 December" in page
    assert "/services/request-a-call-back/" in page
    assert not Case.objects.exists()


@pytest.fixture
def not_out(home):
    CrewResult.objects.create(
        result_id="r1",
        partner=PartnerEndpoint.objects.get(name="waste_contractor"),
        address=home,
        stream="refuse",
        outcome=CrewResult.Outcome.NOT_PUT_OUT,
        occurred_at=at(TUESDAY, 9, 12),
        note="No bin at the kerb at 9:12am.",
    )
    return home


def test_a_bin_the_crew_found_not_put_out_is_told_with_the_crews_note(client, not_out, clock):
    clock(at(date(2026, 12, 9), 10))
    url = report(client, not_out)
    assert url.endswith("/not-put-out/")
    page = client.get(url).content.decode()
    assert "Our crew recorded this bin as not put out on Tuesday 8 December" in page
    assert "No bin at the kerb at 9:12am." in page
    done = answer(client, url, {"put_out_anyway": "no"})
    assert done.startswith(reverse("portal:service_outcome", args=[SLUG, "not-put-out"]))
    assert "No bin at the kerb at 9:12am." in client.get(done).content.decode()
    assert not Case.objects.exists()


def test_a_resident_who_did_put_it_out_can_report_it_anyway(client, not_out, clock):
    clock(at(date(2026, 12, 9), 10))
    url = answer(client, report(client, not_out), {"put_out_anyway": "yes"})
    assert url.endswith("/details/")
    url = answer(client, url, {"details": ""})
    url = answer(client, url, {"contact_name": "Sam Resident", "contact_email": "sam@example.com"})
    check = client.get(url).content.decode()
    assert "Was your bin out by 7am on Tuesday 8 December?" in check
    case = send(client, url)
    assert case.submission.answers["put_out_anyway"] == "yes"
    assert case.submission.answers["collection_check"] == "not_put_out"
    # The crew said otherwise: an officer checks the round before anyone goes back.
    assert not ContractorJob.objects.filter(case=case).exists()
    assert WorkItem.objects.filter(case=case, title="Check the round").exists()


def test_a_bin_with_no_round_at_the_address_ends_without_a_case(client, home, clock):
    clock(at(date(2026, 12, 9), 10))
    url = report(client, home, bin_type="garden")
    assert url.startswith(reverse("portal:service_outcome", args=[SLUG, "no-collection"]))
    assert not Case.objects.exists()


def test_repeat_misses_flag_the_address_and_the_case(client, home, clock, settings):
    waste = Department.objects.get(slug="waste-and-street-scene")
    officer = user_make(departments=[waste])
    service = Case._meta.get_field("service").related_model.objects.get(slug=SLUG)
    made = []
    for day in (date(2026, 9, 1), date(2026, 11, 3), date(2026, 12, 9)):
        clock(at(day, 10))
        made.append(
            case_create(
                service=service,
                summary="Refuse",
                uprn=home.uprn,
                contact_email="sam@example.com",
                notify=False,
            )
        )
    client.force_login(officer)
    # September's is more than 12 weeks before December's: two in the window, below three.
    page = client.get(reverse("desk:case", args=[made[2].reference])).content.decode()
    assert "Assisted collection candidate" not in page
    settings.WASTE_REPEAT_MISSES_WEEKS = 16
    first = client.get(reverse("desk:case", args=[made[0].reference])).content.decode()
    assert "Assisted collection candidate" not in first  # only one report by then
    page = client.get(reverse("desk:case", args=[made[2].reference])).content.decode()
    assert "Assisted collection candidate: 3 missed bin reports at this address in 16" in page
    address = client.get(reverse("waste_desk:address", args=[home.uprn])).content.decode()
    assert "Assisted collection candidate" in address and made[0].reference in address


def test_the_home_page_starts_a_report_of_the_last_collection_filled_in(client, home, clock):
    clock(at(date(2026, 12, 9), 10))
    resident = make_resident()
    resident.uprn = home.uprn
    resident.save()
    client.force_login(resident)
    page = client.get("/").content.decode()
    link = re.search(r'href="([^"]+)">Report a missed collection: refuse, Tuesday 8 December', page)
    assert link, page
    start = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    hidden = dict(re.findall(r'name="(prefill-[a-z_]+)" value="([^"]*)"', start))
    assert hidden == {"prefill-address": home.uprn, "prefill-bin_type": "refuse"}
    url = begin(client, hidden)
    assert url.endswith("/address/")
    url = answer(client, url, {"address-uprn": home.uprn})
    bin_page = client.get(url).content.decode()
    assert re.search(r'value="refuse"[^>]*checked', bin_page)
    # Nothing is reported on the resident's behalf: they confirm each page.
    assert not Case.objects.exists()


def test_no_link_once_the_window_has_closed(client, home, clock):
    clock(at(date(2026, 12, 11), 10))
    resident = make_resident()
    resident.uprn = home.uprn
    resident.save()
    client.force_login(resident)
    assert "Report a missed collection" not in client.get("/").content.decode()


def _to_check_answers(client, url: str) -> str:
    """Answer the pages after the bin's of an in-window report, up to check answers."""
    while "/check/" not in url:
        page = url.rstrip("/").rsplit("/", 1)[-1]
        data = {
            "bin-out": {"bin_out": "yes"},
            "details": {"details": ""},
            "your-details": {"contact_name": "Sam Resident", "contact_email": "sam@example.com"},
        }[page]
        url = answer(client, url, data)
    return url


def test_a_report_left_open_until_the_window_closed_ends_on_too_late_when_sent(client, home, clock):
    clock(at(date(2026, 12, 10), 23, 50))  # late on Thursday, the last day to report
    check = _to_check_answers(client, report(client, home))
    assert "Was the bin at the edge of your property" in client.get(check).content.decode()

    clock(at(date(2026, 12, 11), 0, 5))  # sent just after midnight: the window has closed
    sent = client.post(check, {})
    assert sent.status_code == 302
    assert sent["Location"].startswith(reverse("portal:service_outcome", args=[SLUG, "too-late"]))
    page = client.get(sent["Location"]).content.decode()
    assert "We checked your answers again as you sent the form" in page
    assert "It is too late to report this collection as missed" in page
    assert "by the end of Thursday 10 December" in page
    assert not Case.objects.exists() and not FormSession.objects.exists()
    # Sending again (a double click) finds the journey over: still no case.
    assert client.post(check, {}).status_code == 404
    assert not Case.objects.exists()


def test_a_report_sent_in_the_window_is_checked_again_and_makes_its_case(client, home, clock):
    clock(at(date(2026, 12, 10), 22))
    check = _to_check_answers(client, report(client, home))
    clock(at(date(2026, 12, 10), 23, 55))  # later, still in the window
    sent = client.post(check, {})
    assert "/too-late/" not in sent["Location"]
    case = Case.objects.get(service__slug=SLUG)
    assert case.submission.answers["collection_check"] == "in_window"
    assert case.submission.answers["report_by"]


def test_a_crew_result_arriving_while_the_form_is_open_asks_the_crews_page(client, home, clock):
    clock(at(date(2026, 12, 9), 10))
    check = _to_check_answers(client, report(client, home))
    CrewResult.objects.create(
        result_id="r2",
        partner=PartnerEndpoint.objects.get(name="waste_contractor"),
        address=home,
        stream="refuse",
        outcome=CrewResult.Outcome.NOT_PUT_OUT,
        occurred_at=at(TUESDAY, 9, 12),
        note="No bin at the kerb.",
    )
    cache.clear()
    sent = client.post(check, {})
    assert sent["Location"].endswith("/not-put-out/")
    assert "No bin at the kerb." in client.get(sent["Location"]).content.decode()
    assert not Case.objects.exists()


def test_a_crew_result_without_a_note_shows_no_empty_note(client, home, clock):
    CrewResult.objects.create(
        result_id="r3",
        partner=PartnerEndpoint.objects.get(name="waste_contractor"),
        address=home,
        stream="refuse",
        outcome=CrewResult.Outcome.NOT_PUT_OUT,
        occurred_at=at(TUESDAY, 9, 12),
        note="",
    )
    clock(at(date(2026, 12, 9), 10))
    url = report(client, home)
    page = client.get(url).content.decode()
    assert "Our crew recorded this bin as not put out on Tuesday 8 December" in page
    assert "note:" not in page and "{crew_note}" not in page
    done = answer(client, url, {"put_out_anyway": "no"})
    outcome = client.get(done).content.decode()
    assert "Our crew recorded your bin as not put out on Tuesday 8 December." in outcome
    assert "note:" not in outcome and "{crew_note}" not in outcome
