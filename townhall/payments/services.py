"""Taking, confirming, releasing and refunding payments.

A payment belongs to its case. Its outcome is only ever taken from GOV.UK Pay itself: by the
signed webhook, or by asking Pay (when the payer comes back, and by the sweep for anything
still open); the payer's return to our site carries no outcome. On success the case's process
is told ("payment_done"); a booking left unpaid past the expiry is released and the resident
told. Refunds go to Pay with the amount Pay says is still available, so two refunds racing
can never refund twice."""

import csv
import io
import json
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from townhall.accounts.models import User
from townhall.bookings.models import Booking
from townhall.bookings.services import booking_confirm
from townhall.cases import services as case_services
from townhall.cases.models import Case
from townhall.cases.notifications import case_language
from townhall.core.audit import audit_record
from townhall.core.calendars import LONDON
from townhall.core.hooks import ErrorPolicy, Hook
from townhall.integrations.govuk_pay.client import (
    UNFINISHED,
    PayClient,
    PayError,
    PayPayment,
    webhook_signature_valid,
)
from townhall.payments.models import FeeDue, Payment, PaymentWebhookEvent, Refund
from townhall.workflow.services import process_message_deliver

log = logging.getLogger(__name__)
Status = Payment.Status
PaymentListener = Callable[[Payment], None]
# Run in the transaction that records a payment as paid: a failing listener undoes it.
PAYMENT_PAID: Hook[[Payment]] = Hook("payment paid", errors=ErrorPolicy.RAISE)


class PaymentRefused(Exception):
    """Something about a payment we will not do or accept, with the reason to show or log."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


def payment_paid_listener_register(listener: PaymentListener) -> None:
    """Called in the transaction that records a payment as paid (after any fee due of its case
    is marked paid). Lower layers never import their listeners. Registering the same function
    again replaces it in its place."""
    PAYMENT_PAID.register(listener)


def pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def case_fee_pence(case: Case) -> int:
    """The fee of a case in pence (0: nothing to pay): the one worked out from its answers by
    the service's fee rules and kept with its submission when the form was sent, else the
    service's flat fee (a case raised without the form, or a service without rules)."""
    submission = case.submission
    if submission is not None and submission.fee_pence is not None:
        return submission.fee_pence
    return case.service.fee_pence or 0


def payment_start(
    *,
    case: Case,
    return_url: Callable[[Payment], str],
    channel: str = Payment.Channel.WEB,
    actor: Any = None,
    client: PayClient | None = None,
    amount_pence: int | None = None,
) -> Payment:
    """The payment to send the payer to for this case's fee: the open one when there is
    (a double click or the back button never makes a second), else a new one at Pay.
    Refused when the case has no fee, is paid already, or is closed. The amount is the
    case's fee (`case_fee_pence`), or `amount_pence` when the caller worked the fee out
    itself (a permit renewal, charged at today's price for the same bins)."""
    fee = case_fee_pence(case) if amount_pence is None else amount_pence
    if not fee:
        raise PaymentRefused(
            gettext("%(service)s has no fee to pay.") % {"service": case.service.name}
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("service").get(pk=case.pk)
        payments = Payment.objects.filter(case=locked)
        if payments.filter(status=Status.SUCCESS).exists():
            raise PaymentRefused(
                gettext("The fee for %(reference)s has already been paid.")
                % {"reference": locked.reference}
            )
        if not locked.is_open:
            raise PaymentRefused(
                gettext("%(reference)s is closed: make a new request.")
                % {"reference": locked.reference}
            )
        fresh = timezone.now() - timedelta(minutes=settings.PAY_EXPIRY_MINUTES - 10)
        open_one = payments.filter(
            status__in=[Status.CREATED, Status.STARTED], created_at__gte=fresh, channel=channel
        ).first()
        if open_one is not None and open_one.next_url:
            return open_one
        number = payments.count() + 1
        payment = Payment.objects.create(
            case=locked,
            amount_pence=fee,
            reference=f"{locked.reference}-{number}",
            description=f"{locked.service.name}: {locked.reference}"[:255],
            channel=channel,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        try:
            made = (client or PayClient()).payment_create(
                amount=fee,
                reference=payment.reference,
                description=payment.description,
                return_url=return_url(payment),
                metadata={"case": locked.reference},
                moto=channel == Payment.Channel.PHONE,
            )
        except PayError as error:
            payment.status, payment.message = Status.ERROR, str(error)[:255]
            payment.finished_at = timezone.now()
            payment.save(update_fields=["status", "message", "finished_at"])
            log.warning("payment %s could not start: %s", payment.reference, error)
            raise PaymentRefused(
                gettext("We could not reach the payment service. Try again in a few minutes."),
                503,
            ) from error
        payment.pay_id = made.payment_id
        payment.next_url = made.next_url
        payment.status = made.status or Status.CREATED
        payment.save(update_fields=["pay_id", "next_url", "status"])
    return payment


def payment_state_apply(*, payment: Payment, pay: PayPayment, source: str) -> Payment:
    """Record what Pay says about a payment. A different amount is refused (and logged): the
    payment is left as it was. The first time it is paid the case and its process are told."""
    if pay.payment_id != payment.pay_id:
        raise PaymentRefused("That is another payment.", 409)
    if pay.amount != payment.amount_pence:
        log.error(
            "payment %s: Pay says %s, we asked for %s (%s); not applied",
            payment.reference,
            pay.amount,
            payment.amount_pence,
            source,
        )
        raise PaymentRefused(
            f"The amount {pounds(pay.amount)} does not match the {pounds(payment.amount_pence)} "
            f"asked for payment {payment.reference}.",
            422,
        )
    with transaction.atomic():
        locked = Payment.objects.select_for_update().select_related("case").get(pk=payment.pk)
        was_paid = locked.status == Status.SUCCESS
        if locked.is_finished and not was_paid and pay.status in UNFINISHED:
            return locked  # an old, out-of-order report: a finished payment stays finished
        if was_paid:
            return locked  # paid is final (refunds are their own records)
        locked.status = pay.status if pay.status in Status.values else Status.ERROR
        locked.code, locked.message = pay.code[:10], pay.message[:255]
        if pay.finished and locked.finished_at is None:
            locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "code", "message", "finished_at"])
        if locked.status == Status.SUCCESS:
            _paid(locked, source)
    return locked


def _paid(payment: Payment, source: str) -> None:
    case = payment.case
    with translation.override(case_language(case)):  # the resident is told: their words
        told = gettext(
            "We have received your payment of %(amount)s (payment reference %(reference)s)."
        ) % {"amount": pounds(payment.amount_pence), "reference": payment.reference}
    case_services.case_add_note(case=case, actor=None, text=told, is_public=True)
    process_message_deliver(
        case=case, name="payment_done", data={"outcome": "paid", "reference": payment.reference}
    )
    booking_confirm(case=case)  # places held when the form was sent are now the payer's
    fee_due = FeeDue.objects.filter(case=case).first()
    if fee_due is not None:
        fee_due_mark_paid(fee_due=fee_due, payment=payment)
    PAYMENT_PAID.run(payment)
    log.info("payment %s paid (%s)", payment.reference, source)


def payment_refresh(payment: Payment, client: PayClient | None = None) -> Payment:
    """Ask Pay how the payment stands (the payer came back, or a webhook may have been lost)."""
    if not payment.pay_id or payment.status == Status.SUCCESS:
        return payment
    return payment_state_apply(
        payment=payment, pay=(client or PayClient()).payment_get(payment.pay_id), source="poll"
    )


def webhook_apply(
    body: bytes, signature: str, client: PayClient | None = None
) -> tuple[Payment | None, bool]:
    """A Pay webhook: (payment, applied). Refused (PaymentRefused): bad signature, malformed,
    unknown payment, a state Pay does not confirm, amount mismatch. A message already seen is
    acknowledged, not applied.

    The webhook is only a prompt: the payment is fetched from Pay and what Pay says is applied,
    and only when it agrees with the webhook. A signature proves only that the sender knows the
    webhook secret, so a leaked secret alone must never mark a case paid."""
    if not settings.PAY_WEBHOOK_SECRET:
        raise PaymentRefused("Pay webhooks are not set up here (no PAY_WEBHOOK_SECRET).", 503)
    if not webhook_signature_valid(body, signature):
        raise PaymentRefused("The Pay-Signature does not match the body.", 401)
    try:
        data = json.loads(body)
        message_id = str(data["webhook_message_id"])
        resource = data["resource"]
        claimed = PayPayment.from_json(resource)
    except (ValueError, KeyError, TypeError) as error:
        raise PaymentRefused(f"The webhook is not valid JSON of Pay's shape: {error}.") from None
    payment = Payment.objects.filter(pay_id=claimed.payment_id).first()
    if payment is None:
        raise PaymentRefused(f"No payment {claimed.payment_id} was started here.", 404)
    if PaymentWebhookEvent.objects.filter(webhook_message_id=message_id[:64]).exists():
        return payment, False  # seen before: no need to ask Pay again
    try:
        pay = (client or PayClient()).payment_get(claimed.payment_id)
    except PayError as error:
        # Pay retries a webhook we do not acknowledge; the sweep also asks later.
        raise PaymentRefused(
            f"Could not confirm the payment with GOV.UK Pay: {error}", 503
        ) from error
    if (claimed.status, claimed.amount) != (pay.status, pay.amount):
        log.error(
            "payment %s: webhook says %s %s, Pay says %s %s; not applied",
            payment.reference,
            claimed.status,
            claimed.amount,
            pay.status,
            pay.amount,
        )
        raise PaymentRefused(
            f"GOV.UK Pay does not confirm the webhook: it says payment {claimed.payment_id} is "
            f"{pay.status or 'unknown'} for {pounds(pay.amount)}, not {claimed.status or 'unknown'} "
            f"for {pounds(claimed.amount)}.",
            409,
        )
    try:
        with transaction.atomic():
            PaymentWebhookEvent.objects.create(
                webhook_message_id=message_id[:64],
                payment=payment,
                event_type=str(data.get("event_type", ""))[:40],
            )
            payment = payment_state_apply(payment=payment, pay=pay, source="webhook")
    except IntegrityError:
        return payment, False
    return payment, True


def payments_sweep(*, now: datetime | None = None, client: PayClient | None = None) -> dict:
    """The worker's regular round: ask Pay about payments still open after 5 minutes (a lost
    webhook), then release bookings left unpaid past the expiry."""
    now = now or timezone.now()
    client = client or PayClient()
    counts = {"refreshed": 0, "released": 0, "errors": 0}
    open_ones = Payment.objects.filter(
        status__in=[Status.CREATED, Status.STARTED, Status.SUBMITTED, Status.CAPTURABLE],
        created_at__lte=now - timedelta(minutes=5),
        pay_id__isnull=False,
    )[:500]
    for payment in open_ones:
        try:
            payment_refresh(payment, client)
            counts["refreshed"] += 1
        except (PayError, PaymentRefused) as error:
            counts["errors"] += 1
            log.warning("payment %s could not be checked: %s", payment.reference, error)
    expiry = now - timedelta(minutes=settings.PAY_EXPIRY_MINUTES)
    # Cases whose payer was sent to Pay and never paid: none paid, none started lately.
    unpaid = (
        Case.objects.filter(payments__isnull=False, created_at__lte=expiry)
        .exclude(status=Case.Status.CLOSED)
        .exclude(payments__status=Status.SUCCESS)
        .exclude(payments__created_at__gt=expiry)  # a payment started lately may still finish
        .distinct()
    )[:500]
    # Places held by a form sent online whose payer never went on to Pay at all.
    held = (
        Case.objects.filter(
            booking__state=Booking.State.HELD,
            booking__created_at__lte=expiry,
            payments__isnull=True,
        )
        .exclude(status=Case.Status.CLOSED)
        .exclude(fee_due__isnull=False)  # raised by phone: owed, and followed up at the desk
    )[:500]
    for case in [*unpaid, *held]:
        if booking_release(case):
            counts["released"] += 1
    return counts


def booking_release(case: Case) -> bool:
    """Release a booking nobody paid for: the process decides (it closes the case and tells
    the resident); with no process waiting, the case is closed here."""
    if process_message_deliver(case=case, name="payment_done", data={"outcome": "expired"}):
        return True
    case.refresh_from_db()
    if not case.is_open:
        return False
    case_services.case_change_status(
        case=case,
        actor=None,
        status=Case.Status.CLOSED,
        resolution="withdrawn",
        public_note="We did not receive your payment in time, so this booking was released. "
        "You can apply again at any time.",
    )
    return True


def refund_submit(refund_id: int, client: PayClient | None = None) -> Refund:
    """Send a pending refund to Pay, naming the amount Pay says is still refundable (Pay
    refuses it if another refund got there first, so nothing is refunded twice)."""
    client = client or PayClient()
    refund = Refund.objects.select_related("payment__case").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    payment = refund.payment
    try:
        available = client.payment_get(payment.pay_id or "").refund_available
        made = client.refund_create(
            payment.pay_id or "", amount=refund.amount_pence, amount_available=available
        )
    except PayError as error:
        if error.retryable:
            raise  # the task is retried
        refund.status, refund.error = Refund.Status.FAILED, str(error)
        refund.finished_at = timezone.now()
        refund.save(update_fields=["status", "error", "finished_at"])
        return refund
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        locked.refunded_pence += refund.amount_pence
        locked.save(update_fields=["refunded_pence"])
        refund.status, refund.pay_refund_id = Refund.Status.SUCCESS, made.refund_id
        refund.finished_at = timezone.now()
        refund.save(update_fields=["status", "pay_refund_id", "finished_at"])
        with translation.override(case_language(payment.case)):
            told = gettext(
                "We have refunded %(amount)s to your card. It can take up to 5 working days "
                "to reach your account."
            ) % {"amount": pounds(refund.amount_pence)}
        case_services.case_add_note(case=payment.case, actor=None, text=told, is_public=True)
    return refund


RECONCILIATION_COLUMNS = [
    "date",
    "payment_reference",
    "pay_id",
    "case",
    "service",
    "channel",
    "status",
    "amount",
    "refunded",
    "net",
    "created_at",
    "finished_at",
]


def reconciliation_csv(day: date) -> str:
    """Finance's daily file: every payment finished (or refunded) on the day, London time,
    amounts in pounds. Unfinished payments are not money and are left out."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=LONDON)
    end = start + timedelta(days=1)
    payments = (
        Payment.objects.filter(finished_at__gte=start, finished_at__lt=end)
        .select_related("case__service")
        .order_by("finished_at", "id")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RECONCILIATION_COLUMNS)
    for p in payments:
        net = p.amount_pence - p.refunded_pence if p.status == Status.SUCCESS else 0
        writer.writerow(
            [
                day.isoformat(),
                p.reference,
                p.pay_id or "",
                p.case.reference,
                p.case.service.name,
                p.channel,
                p.status,
                f"{p.amount_pence / 100:.2f}",
                f"{p.refunded_pence / 100:.2f}",
                f"{net / 100:.2f}",
                timezone.localtime(p.created_at, LONDON).isoformat(),
                timezone.localtime(p.finished_at, LONDON).isoformat() if p.finished_at else "",
            ]
        )
    return out.getvalue()


def fee_due_record(*, case: Case, agent: User) -> FeeDue | None:
    """Record the case's fee (`case_fee_pence`) as due on a case raised on a caller's behalf
    (paid later, by card over the phone or otherwise); None when there is nothing to pay.
    Safe to call twice: the first record stands."""
    fee = case_fee_pence(case)
    if not fee:
        return None
    with transaction.atomic():
        due, created = FeeDue.objects.get_or_create(
            case=case, defaults={"amount_pence": fee, "recorded_by": agent}
        )
        if created:
            audit_record(
                action="create",
                object_type="fee_due",
                object_id=case.reference,
                actor=agent,
                subject_user_id=case.resident_id,
                detail={"amount_pence": fee},
            )
    return due


def fee_due_mark_paid(*, fee_due: FeeDue, payment: Payment) -> FeeDue:
    """Mark a fee due as paid by a successful payment of its case. Idempotent: a fee already
    paid keeps the payment that paid it. A payment of another case, or one not (yet) a
    success, is refused."""
    if payment.case_id != fee_due.case_id:
        raise ValidationError(
            f"Payment {payment.reference} is for another case; it cannot pay this fee."
        )
    if payment.status != Status.SUCCESS:
        raise ValidationError(
            f"Payment {payment.reference} has not succeeded ({payment.get_status_display()}); "
            "the fee stays due."
        )
    with transaction.atomic():
        locked = FeeDue.objects.select_for_update().get(pk=fee_due.pk)
        if locked.status == FeeDue.Status.PAID:
            return locked
        locked.status = FeeDue.Status.PAID
        locked.payment = payment
        locked.payment_reference = payment.reference[:64]
        locked.paid_at = timezone.now()
        locked.save(update_fields=["status", "payment", "payment_reference", "paid_at"])
    return locked
