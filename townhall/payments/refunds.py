"""Asking for a refund: the one payments function that queues a task.

It sits above `tasks.py` (it queues `refund_submit_task`), and `tasks.py` above `services.py`
(whose `refund_submit` the task runs), so neither of those imports the other back.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from townhall.bookings.models import Booking
from townhall.core.audit import audit_record
from townhall.core.tasks import task_enqueue_on_commit
from townhall.payments.models import Payment, Refund
from townhall.payments.services import Status, pounds
from townhall.payments.tasks import refund_submit_task


def refund_request(*, payment: Payment, amount_pence: int, reason: str, actor: Any) -> Refund:
    """Ask for a refund (sent to Pay by the worker). Refused: not paid, more than is left,
    nothing or no reason given."""
    reason = reason.strip()
    problems = []
    if amount_pence <= 0:
        problems.append("Enter an amount to refund, like 12.50.")
    if not reason:
        problems.append("Say why the payment is refunded.")
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        pending = sum(
            locked.refunds.filter(status=Refund.Status.PENDING).values_list(
                "amount_pence", flat=True
            )
        )
        left = locked.refundable_pence - pending
        if locked.status != Status.SUCCESS:
            problems.append("Only a paid payment can be refunded.")
        elif amount_pence > left:
            problems.append(f"You can refund at most {pounds(left)}.")
        if problems:
            raise ValidationError(problems)
        refund = Refund.objects.create(
            payment=locked, amount_pence=amount_pence, reason=reason[:500], requested_by=actor
        )
        audit_record(
            action="refund_request",
            object_type="payment",
            object_id=locked.reference,
            actor=actor,
            reason=reason,
            detail={"amount_pence": amount_pence},
        )
        task_enqueue_on_commit(refund_submit_task, refund_id=refund.pk)
    return refund


def booking_cancelled_refund(booking: Booking, actor: Any) -> None:
    """The BOOKING_CANCELLED listener: a booking cancelled before its cut-off is refunded in
    full, in the cancellation's transaction (a refusal undoes the cancellation)."""
    payment = booking.case.payments.filter(status=Status.SUCCESS).first()
    if payment is None or not payment.refundable_pence:
        return  # never paid (held only), or refunded already
    refund_request(
        payment=payment,
        amount_pence=payment.refundable_pence,
        reason="Booking cancelled by the resident before the cut-off",
        actor=actor,
    )
