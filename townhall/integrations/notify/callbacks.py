"""GOV.UK Notify's delivery receipts: recorded on the SentMessage, then handed to whoever
registered to hear them (cases puts them on the case timeline and falls back to another
channel when one fails for good). Lower layers never import the listeners."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from townhall.core.hooks import ErrorPolicy, Hook
from townhall.integrations.models import SentMessage

# Notify's statuses: the final ones we act on. "permanent-failure": the address or number is
# wrong or gone; "temporary-failure": the inbox was full or the phone off for 72 hours;
# "technical-failure": Notify's own problem.
FINAL_STATUSES = {
    "delivered",
    "permanent-failure",
    "temporary-failure",
    "technical-failure",
    "accepted",
    "received",
    "validation-failed",
    "cancelled",
}
PERMANENT_FAILURES = {"permanent-failure", "validation-failed"}

DeliveryListener = Callable[[SentMessage, bool], None]
# Run in the receipt's transaction: a failing listener undoes the receipt, and Notify retries it.
DELIVERY_RECEIPT: Hook[[SentMessage, bool]] = Hook(
    "Notify delivery receipt", errors=ErrorPolicy.RAISE
)


class CallbackRefused(Exception):
    """A receipt we will not record, with the reason (logged and answered)."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


def delivery_listener_register(listener: DeliveryListener) -> None:
    """`listener(message, changed)` is called in the receipt's transaction; `changed` is False
    for a receipt that repeats what we already knew (Notify retries its callbacks).
    Registering the same function again replaces it in its place."""
    DELIVERY_RECEIPT.register(listener)


def notify_receipt_apply(data: Any) -> SentMessage:
    if not isinstance(data, dict):
        raise CallbackRefused("The body must be a JSON object.")
    status = data.get("status")
    if status not in FINAL_STATUSES and status not in {"sending", "created", "pending"}:
        raise CallbackRefused(f"Unknown status {status!r}.")
    reference, provider_id = data.get("reference") or "", data.get("id") or ""
    if not reference and not provider_id:
        raise CallbackRefused("Give the notification's id or our reference.")
    with transaction.atomic():
        found = SentMessage.objects.select_for_update()
        message = (found.filter(idempotency_key=reference).first() if reference else None) or (
            found.filter(provider_id=provider_id).first() if provider_id else None
        )
        if message is None:
            raise CallbackRefused(
                f"No message we sent has reference {reference!r} or id {provider_id!r}.", 404
            )
        if provider_id and message.provider_id and message.provider_id != provider_id:
            raise CallbackRefused("The id does not match the message with that reference.", 409)
        changed = message.delivery_status != status
        if changed:
            message.delivery_status = status
            message.delivery_updated_at = timezone.now()
            message.provider_id = message.provider_id or str(provider_id)[:64]
            message.save(update_fields=["delivery_status", "delivery_updated_at", "provider_id"])
        DELIVERY_RECEIPT.run(message, changed)
    return message
