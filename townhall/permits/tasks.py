"""Background work for permits: the renewal reminder, sent by the worker with retries."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from townhall.integrations.notify.channels import DeliveryError
from townhall.integrations.notify.tasks import backoff_seconds
from townhall.permits.notices import permit_reminder_send

MAX_ATTEMPTS = 5


@task(queue_name="notifications")
def permit_reminder_send_task(permit_id: int, attempt: int = 1) -> str:
    try:
        return permit_reminder_send(permit_id)
    except DeliveryError as error:
        if error.permanent or attempt >= MAX_ATTEMPTS:
            raise  # ends failed, with the provider's error on the SentMessage
        permit_reminder_send_task.using(
            run_after=timezone.now() + timedelta(seconds=backoff_seconds(60, attempt))
        ).enqueue(permit_id=permit_id, attempt=attempt + 1)
        return f"retry {attempt + 1} queued"
