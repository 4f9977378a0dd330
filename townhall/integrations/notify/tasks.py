"""Background delivery of one-off emails (sign-in links, verification): retried with backoff,
safe to run twice (idempotency key), left 'failed' with the provider's error at the end."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task

from townhall.core import backoff
from townhall.integrations.models import SentMessage
from townhall.integrations.notify.channels import DeliveryError, send_email, send_letter, send_sms

MAX_ATTEMPTS = 5


def backoff_seconds(base: float, attempt: int) -> float:
    """Between half and all of base * 2^attempt (the notification tasks count attempts from
    the first retry): the project's one backoff rule, `core.backoff`."""
    return backoff.backoff_seconds(base=base, attempt=attempt + 1)


@task(queue_name="notifications")
def email_deliver(to: str, subject: str, body: str, idempotency_key: str, attempt: int = 1) -> str:
    try:
        sent = send_email(to=to, subject=subject, body=body, idempotency_key=idempotency_key)
    except DeliveryError:
        if attempt >= MAX_ATTEMPTS:
            raise
        email_deliver.using(
            run_after=timezone.now() + timedelta(seconds=backoff_seconds(20, attempt))
        ).enqueue(
            to=to, subject=subject, body=body, idempotency_key=idempotency_key, attempt=attempt + 1
        )
        return f"retry {attempt + 1} queued"
    return "sent" if sent else "already sent"


@task(queue_name="notifications")
def sent_message_retry(message_id: int) -> str:
    """An administrator sends a failed email, SMS or letter again (same idempotency key)."""
    message = SentMessage.objects.get(pk=message_id)
    if message.status != SentMessage.Status.FAILED:
        return f"not failed: {message.status}"
    common: dict[str, Any] = {
        "idempotency_key": message.idempotency_key,
        "correlation": message.correlation,
    }
    if message.channel == SentMessage.Channel.EMAIL:
        send_email(to=message.recipient, subject=message.subject, body=message.body, **common)
    elif message.channel == SentMessage.Channel.SMS:
        send_sms(to=message.recipient, body=message.body, **common)
    else:
        send_letter(
            address_lines=[line.strip() for line in message.recipient.split(",")],
            subject=message.subject,
            body=message.body,
            **common,
        )
    return "sent"
