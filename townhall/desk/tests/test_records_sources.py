"""Sources in the desk: the data team sets a source's column mapping and imports an extract;
bad rows are reported with their line numbers; nobody else reaches the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from townhall.accounts.models import User
from townhall.core.models import AuditEvent
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.tests.factories import user_make
from townhall.records.models import Source, SourceRecord


def _client(role: str) -> Client:
    client = Client()
    client.force_login(user_make(role=role))
    return client


def _housing() -> Source:
    return Source.objects.create(slug="housing", name="Housing", mapping={"record_id": "REF"})


MAPPING = {
    "column_record_id": "TENANCY_REF",
    "column_first_name": "FORENAME",
    "column_surname": "SURNAME",
    "column_date_of_birth": "DOB",
    "column_postcode": "POST_CODE",
    "delimiter": ";",
    "encoding": "utf-8",
}
EXTRACT = (
    "TENANCY_REF;FORENAME;SURNAME;DOB;POST_CODE\n"
    "T1;Anne;Jones;1980-02-02;TN24 2BB\n"
    "T2;Bob;Smith;1970-01-01;TN23 1AA;an extra field\n"
    "T3;Cara;Patel;2001-03-03;TN23 1AB\n"
)


@pytest.mark.django_db
def test_the_data_team_maps_columns_and_imports_an_extract():
    source = _housing()
    client = _client(User.Role.MANAGER)
    url = f"/staff/records/sources/{source.pk}/"

    missing = client.post(url, {**MAPPING, "column_record_id": ""})
    assert missing.status_code == 400
    assert "record_id" in missing.content.decode()

    twice = client.post(url, {**MAPPING, "column_surname": "FORENAME"})
    assert "mapped twice" in twice.content.decode()

    assert client.post(url, MAPPING).status_code == 302
    source.refresh_from_db()
    assert source.mapping["surname"] == "SURNAME" and source.delimiter == ";"
    assert AuditEvent.objects.filter(object_type="source", object_id=str(source.pk)).exists()

    upload = SimpleUploadedFile("housing.csv", EXTRACT.encode(), content_type="text/csv")
    done = client.post(f"{url}import/", {"extract": upload}, follow=True)
    html = done.content.decode()
    assert "2 new" in html and "1 refused" in html
    assert "Line 3: 6 fields, expected 5" in html  # the bad row, with its line and reason
    assert set(SourceRecord.objects.values_list("record_id", flat=True)) == {"T1", "T3"}

    again = SimpleUploadedFile("housing.csv", EXTRACT.encode(), content_type="text/csv")
    client.post(f"{url}import/", {"extract": again})
    assert SourceRecord.objects.count() == 2  # re-importing never duplicates

    wrong = SimpleUploadedFile("other.csv", b"A,B\n1,2\n", content_type="text/csv")
    refused = client.post(f"{url}import/", {"extract": wrong}, follow=True).content.decode()
    assert "was not imported" in refused
    assert SourceRecord.objects.count() == 2


@pytest.mark.django_db
def test_only_the_data_team_reaches_sources():
    source = _housing()
    for role in (User.Role.OFFICER, User.Role.AGENT, User.Role.RESIDENT):
        client = _client(role)
        assert client.get("/staff/records/sources/").status_code == 403
        assert client.get(f"/staff/records/sources/{source.pk}/").status_code == 403
        assert client.post(f"/staff/records/sources/{source.pk}/", MAPPING).status_code == 403
    assert _client(User.Role.ADMIN).get("/staff/records/sources/").status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sources_pages_pass_axe(live_server, browser):
    source = _housing()
    manager = user_make(role=User.Role.MANAGER)
    manager.set_password("Manager-pass-12345")
    manager.save()
    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    page.goto(live_server.url + "/staff/records/sources/")
    page.get_by_label("Email address").fill(manager.email)
    page.get_by_label("Password", exact=True).fill("Manager-pass-12345")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/records/sources/")
    desk.check("sources")
    page.get_by_role("link", name="Housing").click()
    desk.check("a source")
    page.get_by_label("record_id").fill("")
    page.get_by_role("button", name="Save the mapping").click()
    desk.check("a source: error")
    assert page.locator(".govuk-error-summary").is_visible()
    source.refresh_from_db()
    assert source.mapping == {"record_id": "REF"}  # the refused mapping changed nothing
