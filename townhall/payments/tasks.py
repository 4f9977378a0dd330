"""Background work for payments: refunds sent to Pay, and the regular sweep."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from townhall.integrations.govuk_pay.client import PayError
from townhall.integrations.notify.tasks import backoff_seconds
from townhall.payments.services import payments_sweep, refund_submit

MAX_ATTEMPTS = 6


@task(queue_name="payments")
def refund_submit_task(refund_id: int, attempt: int = 1) -> str:
    try:
        refund = refund_submit(refund_id)
    except PayError:
        if attempt >= MAX_ATTEMPTS:
            raise
        refund_submit_task.using(
            run_after=timezone.now() + timedelta(seconds=backoff_seconds(30, attempt))
        ).enqueue(refund_id=refund_id, attempt=attempt + 1)
        return f"retry {attempt + 1} queued"
    return refund.status


@task(queue_name="payments")
def payments_sweep_task() -> str:
    return str(payments_sweep())
