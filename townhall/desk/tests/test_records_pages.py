"""The golden record in the desk: who may see it, audit of every read, review decisions,
split and merge, forensics and data quality."""

import pytest
from django.test import Client

from townhall.accounts.models import User
from townhall.core.models import AuditEvent
from townhall.desk.tests.factories import case_make, department_make, service_make, user_make
from townhall.records.linkage import records_link
from townhall.records.matching import record_match_and_assign
from townhall.records.models import Link, Person, ReviewDecision, Source, SourceRecord
from townhall.records.services import source_import_townhall
from townhall.records.tests.factories import residents_in_three_systems

pytestmark = pytest.mark.django_db


def _client(role: str) -> Client:
    client = Client()
    client.force_login(user_make(role=role))
    return client


@pytest.fixture
def linked(db):
    """Two systems knowing the same three residents, one claiming two blue badges."""
    residents_in_three_systems(
        smith_email="bob@example.com",
        third_voter={
            "first_name": "ANNE",
            "surname": "JONES",
            "address": "2 LOW RD",
            "postcode": "TN24 2BB",
            "uprn": "22",
        },
    )
    return {r.record_id: r for r in SourceRecord.objects.select_related("source")}


def test_officer_cannot_see_the_golden_record(linked):
    client = _client(User.Role.OFFICER)
    person = linked["C1"].person_id
    assert client.get(f"/staff/records/persons/{person}/").status_code == 403
    assert client.get("/staff/records/").status_code == 403


def test_agent_cannot_review_links_or_read_forensics(linked):
    client = _client(User.Role.AGENT)
    assert client.get("/staff/records/review/").status_code == 403
    assert client.get("/staff/records/forensics/").status_code == 403


def test_resident_is_refused(linked):
    client = _client(User.Role.RESIDENT)
    assert client.get("/staff/records/").status_code == 403


def test_agent_sees_single_view_with_golden_values_and_the_read_is_audited(linked):
    client = _client(User.Role.AGENT)
    person = linked["C1"].person_id
    assert linked["E1"].person_id == person != linked["E2"].person_id
    response = client.get(f"/staff/records/persons/{person}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Electoral register E1" in body and "Council tax C1" in body
    assert "bob@example.com" in body
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    event = AuditEvent.objects.get(object_type="records.person", object_id=str(person))
    assert set(event.detail["records"]) == {"council_tax:C1", "electoral_register:E1"}


def test_search_finds_a_person_by_name_and_postcode(linked):
    client = _client(User.Role.AGENT)
    response = client.get("/staff/records/", {"name": "Robert Smith", "postcode": "tn23 1aa"})
    assert f"/staff/records/persons/{linked['C1'].person_id}/" in response.content.decode()
    assert AuditEvent.objects.filter(object_type="records.search").exists()


def test_manager_rejects_a_link_and_the_decision_survives_a_rerun(linked):
    client = _client(User.Role.MANAGER)
    link = Link.objects.filter(
        left__in=[linked["C1"], linked["E1"]], right__in=[linked["C1"], linked["E1"]]
    ).get()
    assert client.post(f"/staff/records/review/{link.pk}/", {}).status_code == 400
    response = client.post(f"/staff/records/review/{link.pk}/", {"decision": "different"})
    assert response.status_code == 302
    assert ReviewDecision.objects.get().decision == "different"
    records_link(u_pairs=1e4)
    c1, e1 = SourceRecord.objects.get(record_id="C1"), SourceRecord.objects.get(record_id="E1")
    assert c1.person_id != e1.person_id


def test_manager_splits_and_merges(linked):
    client = _client(User.Role.MANAGER)
    person = linked["C1"].person_id
    response = client.post(f"/staff/records/persons/{person}/split/", {"record": linked["E1"].pk})
    assert response.status_code == 302
    e1 = SourceRecord.objects.get(record_id="E1")
    assert e1.person_id != person
    response = client.post(f"/staff/records/persons/{person}/merge/", {"other": e1.person_id})
    assert response.status_code == 302
    assert SourceRecord.objects.get(record_id="E1").person_id == person
    bad = client.post(f"/staff/records/persons/{person}/merge/", {"other": "999999"})
    assert bad.status_code == 400 and "person that exists" in bad.content.decode()


def test_forensics_shows_duplicate_badges_and_discount_with_other_adults(linked):
    client = _client(User.Role.MANAGER)
    body = client.get("/staff/records/forensics/").content.decode()
    assert "One person with two blue badges" in body
    assert "Blue badge B1" in body and "Blue badge B2" in body
    assert "Single-person discount where the electoral register shows other adults" in body
    assert "MARY SMITH" in body.upper()


def test_quality_report_counts_issues_per_source(linked):
    client = _client(User.Role.MANAGER)
    body = client.get("/staff/records/quality/").content.decode()
    assert "Missing UPRN" in body and "Blue badge" in body
    assert Person.objects.count() == 3  # Robert, Mary, and Anne with her two badges


@pytest.fixture
def person_with_cases(db):
    """A resident with one Housing request and three Environmental Services requests."""
    housing, waste = department_make("Housing"), department_make("Environmental Services")
    bob = User.objects.create_user(
        "bob@example.com",
        "x-Very-long-pass-1",
        full_name="Bob Smith",
        postcode="TN23 1AA",
        address_line="1 High St",
    )
    repair = case_make(
        service=service_make(department=housing, name="Report a repair"), resident=bob
    )
    bins = service_make(department=waste, name="Report a missed bin")
    others = [case_make(service=bins, resident=bob) for _ in range(3)]
    source_import_townhall(kind=Source.Kind.PORTAL_ACCOUNTS)
    person = record_match_and_assign(SourceRecord.objects.get(source__kind="portal_accounts"))
    return {"person": person, "housing": housing, "repair": repair, "others": others}


def test_housing_staff_see_only_housing_cases_and_a_count_of_the_rest(person_with_cases):
    lead = user_make(role=User.Role.TEAM_LEAD, departments=[person_with_cases["housing"]])
    client = Client()
    client.force_login(lead)
    person = person_with_cases["person"]

    body = client.get(f"/staff/records/persons/{person.pk}/").content.decode()

    assert person_with_cases["repair"].reference in body
    assert not any(case.reference in body for case in person_with_cases["others"])
    assert "3 more requests in other departments." in body
    event = AuditEvent.objects.get(object_type="records.person", object_id=str(person.pk))
    assert event.actor == lead
    assert event.detail["cases"] == [person_with_cases["repair"].reference]
    assert event.detail["cases_elsewhere"] == 3


def test_staff_of_no_department_of_the_person_see_only_the_count(person_with_cases):
    agent = user_make(role=User.Role.AGENT, departments=[])
    client = Client()
    client.force_login(agent)

    body = client.get(f"/staff/records/persons/{person_with_cases['person'].pk}/").content.decode()

    assert "No cases in your departments." in body
    assert "4 more requests in other departments." in body


def test_administrators_see_every_case_of_the_person(person_with_cases):
    client = _client(User.Role.ADMIN)

    body = client.get(f"/staff/records/persons/{person_with_cases['person'].pk}/").content.decode()

    cases = [person_with_cases["repair"], *person_with_cases["others"]]
    assert all(case.reference in body for case in cases)
    assert "other departments" not in body
    event = AuditEvent.objects.get(object_type="records.person")
    assert event.detail["cases_elsewhere"] == 0 and len(event.detail["cases"]) == 4
