"""Writing to the transactional outbox. Delivery (retries, dead letters) is the worker's job."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from townhall.core.audit import audit_record
from townhall.core.tasks import task_enqueue_on_commit
from townhall.integrations.models import OutboxMessage, PartnerEndpoint, SentMessage
from townhall.integrations.notify.tasks import sent_message_retry


def outbox_enqueue(
    *,
    partner: str,
    operation: str,
    payload: dict[str, Any],
    idempotency_key: str,
    correlation: str = "",
) -> OutboxMessage:
    """Record a message for a partner inside the caller's transaction.

    Call it from within the transaction that makes the change the message reports, so both
    land or neither does. The same idempotency key twice returns the first message unchanged:
    a retried process step never queues a second job."""
    with transaction.atomic():
        message, _ = OutboxMessage.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "partner": partner,
                "operation": operation,
                "payload": payload,
                "correlation": correlation,
                "next_attempt_at": timezone.now(),
            },
        )
    return message


def outbox_retry(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """An administrator sends a failed or dead-lettered message again, with a fresh set of
    attempts and the same idempotency key."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status not in (OutboxMessage.Status.FAILED, OutboxMessage.Status.DEAD):
            raise OutboxActionError(
                f"Only failed or dead-lettered messages can be retried; this one is "
                f"{locked.get_status_display().lower()}."
            )
        locked.status = OutboxMessage.Status.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit_record(
            action="outbox_retry",
            object_type="outbox_message",
            object_id=locked.pk,
            actor=actor,
            detail={"partner": locked.partner, "last_error": locked.last_error[:300]},
        )
    return locked


def outbox_cancel(*, message: OutboxMessage, actor: Any, reason: str) -> OutboxMessage:
    """An administrator gives up on a message that has not been delivered (it will never be
    sent); the reason is kept with it."""
    reason = reason.strip()
    if not reason:
        raise OutboxActionError("Say why the message is cancelled.")
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status in (
            OutboxMessage.Status.DELIVERED,
            OutboxMessage.Status.CANCELLED,
            OutboxMessage.Status.SENDING,
        ):
            raise OutboxActionError(
                f"This message is {locked.get_status_display().lower()}: it cannot be cancelled."
            )
        locked.status = OutboxMessage.Status.CANCELLED
        locked.next_attempt_at = None
        locked.last_error = f"Cancelled: {reason[:500]}"
        locked.save(update_fields=["status", "next_attempt_at", "last_error"])
        audit_record(
            action="outbox_cancel",
            object_type="outbox_message",
            object_id=locked.pk,
            actor=actor,
            reason=reason,
            detail={"partner": locked.partner},
        )
    return locked


class OutboxActionError(Exception):
    """An administrator's action that cannot be done, with the reason to show them."""


def outbox_pull(*, endpoint: PartnerEndpoint, limit: int = 100) -> list[OutboxMessage]:
    """The messages waiting for a partner that pulls (oldest first). Pulling marks nothing:
    a message is delivered only when the partner acknowledges it."""
    return list(
        OutboxMessage.objects.filter(
            partner=endpoint.name,
            status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED],
        ).order_by("created_at", "id")[: max(1, min(limit, 500))]
    )


def outbox_acknowledge(*, endpoint: PartnerEndpoint, idempotency_key: str) -> OutboxMessage:
    """A pulling partner confirms it has a message. Acknowledging twice is harmless."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(partner=endpoint.name, idempotency_key=idempotency_key)
            .first()
        )
        if message is None:
            raise OutboxActionError(f"No message {idempotency_key!r} is waiting for you.")
        if message.status == OutboxMessage.Status.CANCELLED:
            raise OutboxActionError(f"Message {idempotency_key!r} was cancelled by the council.")
        if message.status != OutboxMessage.Status.DELIVERED:
            message.status = OutboxMessage.Status.DELIVERED
            message.delivered_at = timezone.now()
            message.attempts += 1
            message.next_attempt_at = None
            message.save(update_fields=["status", "delivered_at", "attempts", "next_attempt_at"])
    return message


def sent_message_retry_request(*, message: SentMessage, actor: Any) -> SentMessage:
    """An administrator sends a failed email, SMS or letter again, by the worker."""
    with transaction.atomic():
        locked = SentMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != SentMessage.Status.FAILED:
            raise OutboxActionError(
                f"Only a failed message can be sent again; this one is "
                f"{locked.get_status_display().lower()}."
            )
        audit_record(
            action="sent_message_retry",
            object_type="sent_message",
            object_id=locked.pk,
            actor=actor,
            detail={"channel": locked.channel, "error": locked.last_error[:300]},
        )
        task_enqueue_on_commit(sent_message_retry, message_id=locked.pk)
    return locked


def sent_message_cancel(*, message: SentMessage, actor: Any, reason: str) -> SentMessage:
    reason = reason.strip()
    if not reason:
        raise OutboxActionError("Say why the message is cancelled.")
    with transaction.atomic():
        locked = SentMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != SentMessage.Status.FAILED:
            raise OutboxActionError("Only a failed message can be cancelled.")
        locked.status = SentMessage.Status.CANCELLED
        locked.last_error = f"Cancelled: {reason[:500]} (was: {locked.last_error[:500]})"
        locked.save(update_fields=["status", "last_error"])
        audit_record(
            action="sent_message_cancel",
            object_type="sent_message",
            object_id=locked.pk,
            actor=actor,
            reason=reason,
        )
    return locked
