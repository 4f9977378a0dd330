"""Payments against the local GOV.UK Pay sandbox over real HTTP."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.integrations.govuk_pay.client import PayClient, PayError
from townhall.integrations.models import InboundRefusal
from townhall.payments.models import Payment, Refund
from townhall.payments.refunds import refund_request
from townhall.payments.services import (
    PaymentRefused,
    payment_refresh,
    payment_start,
    payments_sweep,
    reconciliation_csv,
)
from townhall.workflow.tests.helpers import case_open, open_items

pytestmark = pytest.mark.django_db
SUCCESS, DECLINED = "4444333322221111", "4000000000000002"


def _garden(catalogue) -> Case:
    return case_open(catalogue["subscribe-to-garden-waste-collection"], {})


def _start(case: Case) -> Payment:
    return payment_start(case=case, return_url=lambda p: f"http://testserver/return/{p.pk}")


WEBHOOK_SECRET = "demo-pay-webhook-secret"  # noqa: S105 (the sandbox's, public)


def _signed(payload: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _webhook(
    client,
    payment: Payment,
    *,
    amount=None,
    message_id="m1",
    status="success",
    secret=WEBHOOK_SECRET,
):
    body, signature = _signed(
        {
            "webhook_message_id": message_id,
            "resource_id": payment.pay_id,
            "resource_type": "payment",
            "event_type": "card_payment_succeeded",
            "resource": {
                "payment_id": payment.pay_id,
                "amount": amount or payment.amount_pence,
                "reference": payment.reference,
                "state": {"status": status, "finished": True},
            },
        },
        secret,
    )
    return client.post(
        "/api/pay/webhook",
        data=body,
        content_type="application/json",
        HTTP_PAY_SIGNATURE=signature,
    )


def test_the_client_speaks_pays_api_to_the_sandbox(pay_sandbox):
    client = PayClient()
    made = client.payment_create(
        amount=5200, reference="GW-1", description="Garden waste", return_url="http://x/r"
    )
    assert (made.status, made.finished) == ("created", False) and made.next_url
    assert pay_sandbox.card_submit(made.next_url, SUCCESS) == 303
    paid = client.payment_get(made.payment_id)
    assert (paid.status, paid.refund_available) == ("success", 5200)
    refund = client.refund_create(made.payment_id, amount=1200, amount_available=5200)
    assert (refund.amount, refund.status) == (1200, "success")
    with pytest.raises(PayError) as stale:  # another refund got there first
        client.refund_create(made.payment_id, amount=1000, amount_available=5200)
    assert stale.value.code == "P0604" and not stale.value.retryable


@pytest.mark.parametrize(("card", "code"), [(DECLINED, "P0010"), ("cancel", "P0030")])
def test_declined_and_cancelled_payments_come_back_failed_with_the_reason(pay_sandbox, card, code):
    client = PayClient()
    made = client.payment_create(amount=100, reference="r", description="d", return_url="http://x")
    if card == "cancel":
        pay_sandbox.card_submit(made.next_url + "/cancel", "")
    else:
        pay_sandbox.card_submit(made.next_url, card)
    got = client.payment_get(made.payment_id)
    assert (got.status, got.code) == ("failed", code)


def test_a_case_is_paid_once_and_its_process_moves_on(catalogue, pay_sandbox):
    case = _garden(catalogue)
    assert open_items(case) == []  # the process waits for the payment, no officer checks it
    payment = _start(case)
    assert payment.pay_id and payment.next_url and payment.status == "created"
    assert _start(case).pk == payment.pk  # a double click or the back button: the same one
    pay_sandbox.card_submit(payment.next_url, SUCCESS)
    payment = payment_refresh(payment)
    payment_refresh(payment)  # asking twice changes nothing
    assert payment.status == Payment.Status.SUCCESS and payment.finished_at
    assert case.events.filter(text__contains="received your payment of £52.00").count() == 1
    assert [i.title for i in open_items(case)] == ["Deliver the brown bin"]
    with pytest.raises(PaymentRefused, match="already been paid"):
        _start(case)


def test_a_declined_card_leaves_the_case_waiting_and_a_new_payment_can_be_made(
    catalogue, pay_sandbox
):
    case = _garden(catalogue)
    first = _start(case)
    pay_sandbox.card_submit(first.next_url, DECLINED)
    first = payment_refresh(first)
    assert (first.status, first.code) == ("failed", "P0010")
    second = _start(case)
    assert second.pk != first.pk and second.reference.endswith("-2")
    pay_sandbox.card_submit(second.next_url, SUCCESS)
    assert payment_refresh(second).status == "success"


def test_webhooks_confirm_once_and_bad_ones_change_nothing(client, catalogue, pay_sandbox):
    case = _garden(catalogue)
    payment = _start(case)
    assert _webhook(client, payment, secret="wrong").status_code == 401
    pay_sandbox.card_submit(payment.next_url, SUCCESS)
    assert _webhook(client, payment, amount=1).status_code == 409  # Pay says £52, not 1p
    payment.refresh_from_db()
    assert payment.status == "created"
    assert _webhook(client, payment).json()["status"] == "success"
    assert _webhook(client, payment).json()["duplicate"] is True  # same message again
    assert case.events.filter(text__contains="received your payment").count() == 1
    malformed = client.post(
        "/api/pay/webhook",
        data=b"{oops",
        content_type="application/json",
        HTTP_PAY_SIGNATURE=hmac.new(
            b"demo-pay-webhook-secret", b"{oops", hashlib.sha256
        ).hexdigest(),
    )
    assert malformed.status_code == 400
    payment.pay_id = "unknown-payment"
    assert _webhook(client, payment, message_id="m9").status_code == 404
    reasons = set(
        InboundRefusal.objects.filter(partner="govuk_pay").values_list("status_code", flat=True)
    )
    assert reasons == {409, 401, 400, 404}


def test_a_signed_webhook_pay_does_not_confirm_changes_nothing_and_is_logged(
    client, catalogue, pay_sandbox
):
    case = _garden(catalogue)
    payment = _start(case)  # the payer has not paid: Pay says "created"

    response = _webhook(client, payment, status="success")

    payment.refresh_from_db()
    assert response.status_code == 409
    assert "GOV.UK Pay does not confirm the webhook" in response.json()["error"]
    assert payment.status == "created" and payment.finished_at is None
    assert not case.events.filter(text__contains="received your payment").exists()
    assert [i.title for i in open_items(case)] == []  # the process still waits for payment
    refusal = InboundRefusal.objects.get(partner="govuk_pay")
    assert refusal.status_code == 409 and "is created for £52.00" in refusal.reason
    # The same message, once Pay has the money, is applied: the refusal recorded nothing.
    pay_sandbox.card_submit(payment.next_url, SUCCESS)
    assert _webhook(client, payment, status="success").json()["status"] == "success"


def test_a_signed_webhook_for_a_payment_not_started_here_changes_nothing_and_is_logged(
    client, catalogue, pay_sandbox
):
    case = _garden(catalogue)
    payment = _start(case)
    pay_sandbox.card_submit(payment.next_url, SUCCESS)
    forged = Payment(
        pay_id="made-up-payment-id", amount_pence=payment.amount_pence, reference=payment.reference
    )

    response = _webhook(client, forged)

    assert response.status_code == 404
    payment.refresh_from_db()
    assert payment.status == "created"  # only ever changed by what Pay says of this payment
    refusal = InboundRefusal.objects.get(partner="govuk_pay")
    assert "No payment made-up-payment-id was started here" in refusal.reason


def test_a_webhook_pay_cannot_be_asked_about_is_refused_for_pay_to_send_again(
    client, catalogue, pay_sandbox, settings
):
    case = _garden(catalogue)
    payment = _start(case)
    pay_sandbox.card_submit(payment.next_url, SUCCESS)
    settings.PAY_BASE_URL = "http://127.0.0.1:9"  # nothing listens there

    response = _webhook(client, payment)

    payment.refresh_from_db()
    assert response.status_code == 503 and payment.status == "created"
    assert "Could not confirm the payment with GOV.UK Pay" in response.json()["error"]


def test_webhooks_are_refused_without_a_webhook_secret(client, catalogue, pay_sandbox, settings):
    case = _garden(catalogue)
    payment = _start(case)
    settings.PAY_WEBHOOK_SECRET = ""

    response = _webhook(client, payment, secret="")

    assert response.status_code == 503
    assert "not set up here" in response.json()["error"]


def test_an_unpaid_booking_is_released_after_the_expiry(catalogue, pay_sandbox, mailoutbox):
    case = _garden(catalogue)
    payment = _start(case)
    pay_sandbox.expire(payment.pay_id)
    long_ago = timezone.now() - timedelta(minutes=95)
    Payment.objects.filter(pk=payment.pk).update(created_at=long_ago)
    Case.objects.filter(pk=case.pk).update(created_at=long_ago)
    counts = payments_sweep()
    assert counts["released"] == 1 and counts["refreshed"] == 1
    case.refresh_from_db()
    assert (case.status, case.resolution) == ("closed", "withdrawn")
    assert case.events.filter(
        is_public=True, text__contains="did not receive your payment"
    ).exists()
    assert payments_sweep()["released"] == 0  # once


def test_refunds_never_exceed_what_was_paid(
    catalogue, pay_sandbox, django_capture_on_commit_callbacks
):
    case = _garden(catalogue)
    payment = _start(case)
    pay_sandbox.card_submit(payment.next_url, SUCCESS)
    payment = payment_refresh(payment)
    lead = User.objects.create_user("lead@example.gov.uk", "Not-a-real-pass-1", role="team_lead")
    with pytest.raises(ValidationError, match="at most £52.00"):
        refund_request(payment=payment, amount_pence=6000, reason="Moved away", actor=lead)
    with pytest.raises(ValidationError, match="Say why"):
        refund_request(payment=payment, amount_pence=100, reason=" ", actor=lead)
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_request(payment=payment, amount_pence=2600, reason="Half year", actor=lead)
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert (refund.status, payment.refunded_pence) == (Refund.Status.SUCCESS, 2600)
    with pytest.raises(ValidationError, match="at most £26.00"):
        refund_request(payment=payment, amount_pence=3000, reason="Again", actor=lead)
    assert case.events.filter(is_public=True, text__contains="refunded £26.00").exists()


def test_the_daily_reconciliation_file_lists_the_days_payments(catalogue, pay_sandbox):
    case = _garden(catalogue)
    payment = _start(case)
    pay_sandbox.card_submit(payment.next_url, SUCCESS)
    payment = payment_refresh(payment)
    text = reconciliation_csv(timezone.localdate())
    header, row = text.strip().splitlines()
    assert header.startswith("date,payment_reference,pay_id,case")
    assert payment.reference in row and case.reference in row and ",52.00,0.00,52.00," in row
    assert reconciliation_csv(timezone.localdate() - timedelta(days=1)).count("\n") == 1
