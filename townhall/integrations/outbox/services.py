"""Writing to the transactional outbox. Delivery (retries, dead letters) is the worker's job."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from townhall.integrations.models import OutboxMessage


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
