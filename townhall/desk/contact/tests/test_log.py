"""Logging a call, an avoidable one with its reason; bad input changes nothing."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from townhall.desk.contact.models import ContactLog
from townhall.desk.contact.services import contact_log_record
from townhall.desk.contact.tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _post(client, url, **data):
    form = {
        "channel": "phone",
        "reason": "progress",
        "outcome": "progress_given",
        "avoidable": "no",
        "key": uuid.uuid4().hex,
        **data,
    }
    return client.post(url, form)


def test_agent_logs_an_avoidable_call_with_its_reason(agent, caller):
    response = _post(
        client_for(agent),
        f"/staff/contact/people/{caller.pk}/log/",
        avoidable="yes",
        avoidable_reason="chasing",
        notes="Asked when the bin will be emptied",
    )
    assert response.status_code == 302
    contact = ContactLog.objects.get()
    assert (contact.person, contact.agent, contact.avoidable_reason, contact.is_avoidable) == (
        caller,
        agent,
        "chasing",
        True,
    )


def test_avoidable_call_without_a_reason_is_refused_and_nothing_saved(agent, caller):
    response = _post(client_for(agent), f"/staff/contact/people/{caller.pk}/log/", avoidable="yes")
    assert response.status_code == 400
    assert b"Select why the contact was avoidable" in response.content
    assert not ContactLog.objects.exists()


def test_unknown_choices_are_refused_with_a_message_per_field(agent, caller):
    response = _post(
        client_for(agent), f"/staff/contact/people/{caller.pk}/log/", channel="pigeon", outcome="x"
    )
    assert response.status_code == 400
    assert b"Select how the caller got in touch" in response.content
    assert b"Select the outcome of the contact" in response.content
    assert not ContactLog.objects.exists()


def test_double_submitted_log_form_records_one_contact(agent, caller):
    client = client_for(agent)
    key = uuid.uuid4().hex
    for _ in range(2):
        _post(client, f"/staff/contact/people/{caller.pk}/log/", key=key)
    assert ContactLog.objects.count() == 1


def test_call_from_someone_without_an_account_needs_their_name(agent):
    response = _post(client_for(agent), "/staff/contact/log/")
    assert response.status_code == 400
    assert b"Enter the caller&#x27;s name" in response.content
    _post(client_for(agent), "/staff/contact/log/", caller_name="Walk-in visitor")
    assert ContactLog.objects.get().caller_name == "Walk-in visitor"


def test_oversized_notes_are_refused(agent, caller):
    with pytest.raises(ValidationError) as refused:
        contact_log_record(
            agent=agent,
            person=caller,
            channel="phone",
            reason="other",
            outcome="answered",
            notes="x" * 2001,
        )
    assert "notes" in refused.value.message_dict


def test_officer_cannot_log_a_call_against_a_person_they_may_not_see(housing_officer, caller):
    response = _post(client_for(housing_officer), f"/staff/contact/people/{caller.pk}/log/")
    assert response.status_code == 404
    assert not ContactLog.objects.exists()
