"""An agent raises a request for a caller with the public form, channel and caller recorded."""

import pytest

from townhall.cases.models import Case
from townhall.desk.contact.models import ContactLog, FeeDue
from townhall.desk.contact.payments import card_payment_starter_register, start_phone_payment
from townhall.desk.contact.tests.conftest import client_for
from townhall.desk.tests.factories import user_make
from townhall.eforms.models import FormSession, Submission
from townhall.eforms.services import form_flow
from townhall.payments.models import Payment

pytestmark = pytest.mark.django_db


def _fill_missed_bin(client, start_url: str, channel: str = "phone") -> str:
    response = client.post(
        start_url, {"service": "report-a-missed-bin-collection", "channel": channel}
    )
    assert response.status_code == 302, response.content
    url = response["Location"]
    assert url.endswith("/address/")
    # The address is prefilled from the caller's account; confirm it.
    page = client.get(url)
    assert b"3 Bank Street" in page.content
    response = client.post(url, {"address-uprn": "901001000003", "action": "continue"})
    if response.status_code != 302:
        response = client.post(url, {"address": "901001000003", "action": "continue"})
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(response["Location"], {"bin_type": "recycling"})
    assert response.status_code == 302
    response = client.post(response["Location"], {"bin_out": "yes"})
    response = client.post(response["Location"], {"details": ""})
    assert response["Location"].endswith("/check/")
    return response["Location"]


def test_agent_raises_missed_bin_for_caller_with_same_form_and_phone_channel(
    agent, caller, missed_bin
):
    client = client_for(agent)
    check_url = _fill_missed_bin(client, f"/staff/contact/people/{caller.pk}/raise/")
    check = client.get(check_url)
    assert b"Recycling (blue bin)" in check.content
    done = client.post(check_url)
    assert done.status_code == 302
    page = client.get(done["Location"])
    case = Case.objects.get()
    assert case.reference.encode() in page.content
    assert (case.resident, case.raised_by, case.channel, case.service) == (
        caller,
        agent,
        "phone",
        missed_bin,
    )
    assert case.submission.form_version.form == missed_bin.form  # the public form, not a copy
    contact = ContactLog.objects.get()
    assert (contact.person, contact.case, contact.outcome, contact.channel) == (
        caller,
        case,
        "request_raised",
        "phone",
    )


def test_sending_the_form_twice_and_reloading_the_confirmation_make_one_case(
    agent, caller, missed_bin
):
    client = client_for(agent)
    check_url = _fill_missed_bin(
        client, f"/staff/contact/people/{caller.pk}/raise/", "face_to_face"
    )
    done = client.post(check_url)
    client.post(check_url)
    client.get(done["Location"])
    client.get(done["Location"])
    assert Case.objects.count() == 1 and Submission.objects.count() == 1
    assert ContactLog.objects.count() == 1
    assert Case.objects.get().channel == "face_to_face"


def test_raise_refuses_unknown_service_and_channel_and_starts_nothing(agent, caller, missed_bin):
    response = client_for(agent).post(
        f"/staff/contact/people/{caller.pk}/raise/", {"service": "no-such", "channel": "web"}
    )
    assert response.status_code == 400
    assert b"Select the service the caller needs" in response.content
    assert b"Select how the caller got in touch" in response.content
    assert not FormSession.objects.exists()


def test_another_agent_cannot_continue_an_agents_form(agent, caller, missed_bin):
    client = client_for(agent)
    response = client.post(
        f"/staff/contact/people/{caller.pk}/raise/",
        {"service": missed_bin.slug, "channel": "phone"},
    )
    other = user_make(role="agent")
    assert client_for(other).get(response["Location"]).status_code == 404
    assert client_for(caller).get(response["Location"]).status_code == 403


def test_caller_without_account_gives_contact_details_in_the_form(agent, missed_bin):
    client = client_for(agent)
    response = client.post(
        "/staff/contact/raise/", {"service": missed_bin.slug, "channel": "phone"}
    )
    session = FormSession.objects.get()
    assert session.user is None and session.raised_by == agent

    assert any(name.startswith("contact_") for name in form_flow(session).fields)
    assert response.status_code == 302


def test_fee_is_recorded_as_due_and_taken_by_card_over_the_phone(
    agent, caller, missed_bin, pay_sandbox
):
    missed_bin.fee_pence = 2500
    missed_bin.save()
    client = client_for(agent)
    check_url = _fill_missed_bin(client, f"/staff/contact/people/{caller.pk}/raise/")
    page = client.get(client.post(check_url)["Location"])
    fee = FeeDue.objects.get()
    assert (fee.amount_pence, fee.status) == (2500, "due")
    assert "£25" in page.content.decode()

    # Payments switched off: the fee stays due, nothing is taken.
    card_payment_starter_register(None)
    try:
        refused = client.post(f"/staff/contact/cases/{fee.case.reference}/pay/")
    finally:
        card_payment_starter_register(start_phone_payment)
    assert refused.status_code == 302
    assert FeeDue.objects.get().status == "due"

    # The agent keys the caller's card into GOV.UK Pay's page (MOTO), then comes back.
    response = client.post(f"/staff/contact/cases/{fee.case.reference}/pay/")
    assert response["Location"].startswith(pay_sandbox.url + "/card/")
    payment = Payment.objects.get(case=fee.case)
    assert (payment.channel, payment.amount_pence) == ("phone", 2500)
    assert pay_sandbox.card_submit(response["Location"], "4444333322221111") == 303
    back = client.get(f"/staff/contact/payments/return/{payment.return_token}/", follow=True)
    assert "Payment taken" in back.content.decode()
    fee.refresh_from_db()
    assert (fee.status, fee.payment_reference) == ("paid", payment.reference)


def test_request_for_a_caller_without_account_keeps_their_contact_details(agent, missed_bin):
    client = client_for(agent)
    response = client.post(
        "/staff/contact/raise/", {"service": missed_bin.slug, "channel": "face_to_face"}
    )
    url = response["Location"]
    response = client.post(url, {"address-uprn": "901001000002", "action": "continue"})
    response = client.post(response["Location"], {"bin_type": "refuse"})
    response = client.post(response["Location"], {"bin_out": "yes"})
    response = client.post(response["Location"], {"details": ""})
    assert response["Location"].endswith("/your-details/")
    response = client.post(
        response["Location"],
        {"contact_name": "Walk In", "contact_email": "walk.in@example.com", "contact_phone": ""},
    )
    assert response["Location"].endswith("/check/")
    done = client.post(response["Location"])
    client.get(done["Location"])
    case = Case.objects.get()
    assert (case.resident, case.raised_by, case.channel) == (None, agent, "face_to_face")
    assert (case.contact_name, case.contact_email) == ("Walk In", "walk.in@example.com")
    contact = ContactLog.objects.get()
    assert (contact.person, contact.caller_name, contact.case) == (None, "Walk In", case)
