"""Background delivery of one-off emails (sign-in links, verification): retried with backoff,
safe to run twice (idempotency key), left 'failed' with the provider's error at the end."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from townhall.integrations.notify.channels import DeliveryError, send_email

MAX_ATTEMPTS = 5


@task(queue_name="notifications")
def email_deliver(to: str, subject: str, body: str, idempotency_key: str, attempt: int = 1) -> str:
    try:
        sent = send_email(to=to, subject=subject, body=body, idempotency_key=idempotency_key)
    except DeliveryError:
        if attempt >= MAX_ATTEMPTS:
            raise
        email_deliver.using(run_after=timezone.now() + timedelta(seconds=20 * 2**attempt)).enqueue(
            to=to, subject=subject, body=body, idempotency_key=idempotency_key, attempt=attempt + 1
        )
        return f"retry {attempt + 1} queued"
    return "sent" if sent else "already sent"
