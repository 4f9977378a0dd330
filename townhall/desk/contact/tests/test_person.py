"""The single view of a caller, and who may open it."""

import pytest

from townhall.cases.services import case_add_note
from townhall.core.models import AuditEvent
from townhall.desk.contact.models import ContactLog
from townhall.desk.contact.services import contact_log_record
from townhall.desk.contact.tests.conftest import client_for
from townhall.desk.tests.factories import case_make
from townhall.records.matching import record_match_and_assign
from townhall.records.models import Source, SourceRecord
from townhall.records.services import source_import_townhall

pytestmark = pytest.mark.django_db


def test_agent_sees_callers_details_cases_of_every_department_and_contacts(
    agent, caller, missed_bin, housing
):
    bin_case = case_make(service=missed_bin, resident=caller)
    damp_case = case_make(service=housing, resident=caller)
    contact_log_record(
        agent=agent,
        person=caller,
        channel="phone",
        reason="progress",
        outcome="progress_given",
        avoidable_reason="chasing",
    )
    response = client_for(agent).get(f"/staff/contact/people/{caller.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        "jane.smith@example.com",
        "01233 330 111",
        "TN23 1AA",
        bin_case.reference,
        damp_case.reference,
        "Progress update given",
        "Avoidable",
    ]:
        assert text in body


def test_every_opening_of_a_person_is_audited_with_who_and_whom(agent, caller):
    client_for(agent).get(f"/staff/contact/people/{caller.pk}/")
    event = AuditEvent.objects.get(object_type="person")
    assert (event.actor, event.subject_user_id, event.action) == (agent, caller.pk, "view")


def test_officer_sees_only_their_departments_cases_of_a_caller(
    waste_officer, caller, missed_bin, housing
):
    bin_case = case_make(service=missed_bin, resident=caller)
    damp_case = case_make(service=housing, resident=caller)
    body = client_for(waste_officer).get(f"/staff/contact/people/{caller.pk}/").content.decode()
    assert bin_case.reference in body
    assert damp_case.reference not in body


def test_officer_cannot_open_a_person_with_no_case_in_their_departments(
    housing_officer, caller, missed_bin
):
    case_make(service=missed_bin, resident=caller)
    response = client_for(housing_officer).get(f"/staff/contact/people/{caller.pk}/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(object_type="person").exists()


def test_staff_accounts_are_not_people_of_the_contact_centre(agent, waste_officer):
    assert client_for(agent).get(f"/staff/contact/people/{waste_officer.pk}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/staff/contact/",
        "/staff/contact/people/{pk}/",
        "/staff/contact/people/{pk}/log/",
        "/staff/contact/raise/",
        "/staff/contact/people/{pk}/raise/",
    ],
)
def test_resident_cannot_reach_contact_centre_pages(caller, other_resident, path):
    response = client_for(other_resident).get(path.format(pk=caller.pk))
    assert response.status_code == 403
    assert b"Jane Smith" not in response.content


def test_signed_out_visitor_is_sent_to_sign_in(caller):
    from django.test import Client

    response = Client().get(f"/staff/contact/people/{caller.pk}/")
    assert response.status_code == 302
    assert "/account/" in response["Location"]


def test_agent_reads_case_summary_and_staff_notes_of_any_department(agent, caller, housing):
    case = case_make(service=housing, resident=caller)
    case_add_note(case=case, actor=agent, text="Tenant disputes the survey", is_public=False)
    response = client_for(agent).get(f"/staff/contact/cases/{case.reference}/")
    assert response.status_code == 200
    assert case.summary.encode() in response.content
    html = response.content.decode()
    assert "Tenant disputes the survey" in html.split("data-internal-notes")[1]
    assert "not to be read out" in html
    assert AuditEvent.objects.filter(
        object_type="case", object_id=case.reference, actor=agent
    ).exists()


def test_agent_never_reads_staff_notes_of_a_restricted_service(agent, caller, housing):
    housing.is_sensitive = True  # as a complaint about staff or a SAR is
    housing.save()
    case = case_make(service=housing, resident=caller)
    case_add_note(case=case, actor=agent, text="Named officer under review", is_public=False)

    html = client_for(agent).get(f"/staff/contact/cases/{case.reference}/").content.decode()

    assert "Named officer under review" not in html
    assert "data-notes-restricted" in html
    assert "data-internal-notes" not in html


def test_officer_cannot_read_another_departments_case_summary(housing_officer, caller, missed_bin):
    case = case_make(service=missed_bin, resident=caller)
    response = client_for(housing_officer).get(f"/staff/contact/cases/{case.reference}/")
    assert response.status_code == 404


def test_contact_history_lists_newest_first(agent, caller):
    for outcome in ["answered", "transferred"]:
        contact_log_record(
            agent=agent, person=caller, channel="phone", reason="information", outcome=outcome
        )
    assert list(ContactLog.objects.filter(person=caller).values_list("outcome", flat=True)) == [
        "transferred",
        "answered",
    ]


def test_single_view_links_the_caller_to_their_golden_record(agent, caller):
    url = f"/staff/contact/people/{caller.pk}/"
    assert "Golden record" not in client_for(agent).get(url).content.decode()
    run = source_import_townhall(kind=Source.Kind.PORTAL_ACCOUNTS)
    record = SourceRecord.objects.get(source=run.source, record_id=str(caller.pk))
    person = record_match_and_assign(record)
    body = client_for(agent).get(url).content.decode()
    assert f"/staff/records/persons/{person.pk}/" in body
    assert client_for(agent).get(f"/staff/records/persons/{person.pk}/").status_code == 200
