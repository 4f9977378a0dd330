"""The permits' daily round (queued by `manage.py permits_clock`): expire what has ended,
then queue renewal reminders. It sits above tasks.py (it queues the reminder task)."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from townhall.core.calendars import LONDON
from townhall.core.tasks import task_enqueue_on_commit
from townhall.permits.models import Permit
from townhall.permits.services import permits_expire, today_in_london
from townhall.permits.tasks import permit_reminder_send_task

State = Permit.State


def permits_remind(*, today: date | None = None) -> int:
    """Queue a renewal reminder for each active permit within its scheme's reminder days of
    the end that has had none and is not being renewed. The permit is marked reminded in the
    transaction that queues the message, so a second sweep sends nothing more."""
    today = today or today_in_london()
    candidates = (
        Permit.objects.filter(state=State.ACTIVE, reminder_sent_at__isnull=True, ends_on__gte=today)
        .exclude(renewals__state__in=[State.ACTIVE, State.PENDING_PAYMENT])
        .select_related("scheme")
    )
    queued = 0
    for permit in candidates:
        if permit.ends_on is None:
            continue
        if today < permit.ends_on - timedelta(days=permit.scheme.reminder_days_before):
            continue
        with transaction.atomic():
            locked = Permit.objects.select_for_update().get(pk=permit.pk)
            if locked.reminder_sent_at is not None:
                continue
            locked.reminder_sent_at = timezone.now()
            locked.save(update_fields=["reminder_sent_at"])
            task_enqueue_on_commit(permit_reminder_send_task, permit_id=locked.pk)
            queued += 1
    return queued


def permits_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Expire permits that have ended, then queue renewal reminders. Safe to run twice."""
    today = timezone.localtime(now or timezone.now(), LONDON).date()
    return {"expired": permits_expire(today=today), "reminded": permits_remind(today=today)}


@task()
def permits_sweep_task() -> str:
    return str(permits_sweep())
