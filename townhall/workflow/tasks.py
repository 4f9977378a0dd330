"""Background work for processes: the periodic timer sweep and team-lead emails."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.core.tasks import task_retries_declare
from townhall.integrations.notify.channels import send_email
from townhall.workflow.services import process_timers_sweep

logger = logging.getLogger(__name__)


@task(queue_name="workflow")
def process_timers_sweep_task(limit: int = 1000) -> str:
    """Fire due timers. Safe to run on several workers at once (rows are claimed with
    SKIP LOCKED); queued by the `workflow_clock` command every few seconds."""
    result = process_timers_sweep(limit=limit)
    return f"fired {result.fired}, failed {result.failed}, skipped {result.skipped}"


@task(queue_name="notifications")
def team_lead_notify(case_id: int, user_id: int, text: str, key: str) -> str:
    """Email a team lead about an escalated case (once per escalation step and lead)."""
    case = Case.objects.get(pk=case_id)
    lead = User.objects.get(pk=user_id)
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    body = (
        f"{text}\n\nCase {case.reference}: {case.summary}\n"
        f"Due: {timezone.localtime(case.due_at):%-d %B %Y %H:%M}\n"
        if case.due_at
        else f"{text}\n\nCase {case.reference}: {case.summary}\n"
    )
    body += f"\n{site}/staff/cases/{case.reference}/\n"
    sent = send_email(
        to=lead.email,
        subject=f"Escalation: {case.reference} needs attention",
        body=body,
        idempotency_key=f"wf-lead-{key}-{user_id}"[:120],
    )
    return "sent" if sent else "already sent"


# The escalation was promised to the team lead; the idempotency key makes a rerun safe.
task_retries_declare(team_lead_notify, attempts=6)


SWEEP_EVERY = timedelta(seconds=15)
