"""Finding a caller by each thing they might tell an agent, on SQLite and PostgreSQL."""

import pytest

from townhall.core.models import AuditEvent
from townhall.desk.contact.search import Kind, callers_search, query_classify
from townhall.desk.contact.tests.conftest import client_for
from townhall.desk.tests.factories import case_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "kind", "text"),
    [
        ("mb-2026-000012", Kind.REFERENCE, "MB-2026-000012"),
        ("Jane.Smith@Example.com", Kind.EMAIL, "jane.smith@example.com"),
        ("tn231aa", Kind.POSTCODE, "TN23 1AA"),
        ("TN23 1AA", Kind.POSTCODE, "TN23 1AA"),
        ("01233 330 111", Kind.PHONE, "01233330111"),
        ("  Jane   Smith ", Kind.TEXT, "Jane Smith"),
    ],
)
def test_query_is_read_as_what_the_caller_gave(typed, kind, text):
    assert query_classify(typed.strip()) == (kind, text)


@pytest.mark.parametrize(
    "query",
    [
        "Jane Smith",
        "smith",
        "TN23 1AA",
        "tn231aa",
        "jane.smith@example.com",
        "01233330111",
        "Bank Street",
    ],
)
def test_agent_finds_caller_by_name_postcode_email_phone_or_address(
    agent, caller, other_resident, query
):
    results = callers_search(user=agent, query=query)
    assert [p.pk for p in results.people] == [caller.pk]


def test_agent_finds_caller_and_case_by_reference(agent, caller, missed_bin):
    case = case_make(service=missed_bin, resident=caller)
    results = callers_search(user=agent, query=case.reference.lower())
    assert [c.pk for c in results.cases] == [case.pk]
    assert [p.pk for p in results.people] == [caller.pk]


def test_cases_found_by_contact_name_location_and_summary(agent, missed_bin):
    case = case_make(
        service=missed_bin,
        summary="Recycling bin not emptied",
        contact_name="Priya Patel",
        contact_phone="07700 900555",
        location_text="5 Bank Street, Kingsmead, TN23 1AA",
    )
    case_make(service=missed_bin, contact_name="Someone Else", location_text="Elm Road")
    for query in ["Priya", "patel", "07700900555", "TN23 1AA", "recycling", "Bank Street"]:
        assert [c.pk for c in callers_search(user=agent, query=query).cases] == [case.pk], query


def test_officer_search_shows_only_their_departments_people_and_cases(
    waste_officer, caller, other_resident, missed_bin, housing
):
    mine = case_make(service=missed_bin, resident=caller, contact_name="Jane Smith")
    case_make(service=housing, resident=other_resident, contact_name="Rob Jones")
    assert [p.pk for p in callers_search(user=waste_officer, query="Jane").people] == [caller.pk]
    assert callers_search(user=waste_officer, query="Rob Jones").people == []
    assert callers_search(user=waste_officer, query="Rob Jones").cases == []
    assert [c.pk for c in callers_search(user=waste_officer, query="Smith").cases] == [mine.pk]


def test_one_letter_search_finds_nothing_rather_than_everyone(agent, caller):
    results = callers_search(user=agent, query="j")
    assert results.people == [] and results.cases == []


def test_search_wildcards_are_matched_literally(agent, caller):
    assert callers_search(user=agent, query="%%").people == []
    assert callers_search(user=agent, query="_a_").people == []


def test_search_page_lists_results_and_audits_the_search(agent, caller):
    response = client_for(agent).get("/staff/contact/", {"q": "Jane Smith"})
    assert response.status_code == 200
    assert b"Jane Smith" in response.content
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(object_type="caller_search", actor=agent)
    assert event.detail["people"] == [caller.pk]


def test_each_person_listed_by_a_search_is_audited_under_that_person(agent, caller, other_resident):
    client_for(agent).get("/staff/contact/", {"q": "Jane Smith"})
    seen = AuditEvent.objects.filter(subject_user_id=caller.pk, actor=agent)
    assert seen.filter(object_type="person", reason="listed in a caller search").count() == 1
    assert not AuditEvent.objects.filter(subject_user_id=other_resident.pk).exists()


def test_misspelt_name_finds_the_caller_on_postgresql(agent, caller, other_resident):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity is PostgreSQL's (pg_trgm)")
    assert [p.pk for p in callers_search(user=agent, query="Jayne Smyth").people] == [caller.pk]
