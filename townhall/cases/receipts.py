"""Notify's receipts for case messages, onto the case's timeline.

Registered with integrations' delivery listeners from `CasesConfig.ready`. It lives apart from
`notifications.py` because it queues a task and `tasks.py` builds on `notifications.py`: the
function a task runs sits below `tasks.py`, the function that queues it above.
"""

from typing import Any

from townhall.cases.models import Case
from townhall.cases.notifications import message_note
from townhall.cases.tasks import case_message_fallback
from townhall.core.tasks import task_enqueue_on_commit
from townhall.integrations.notify.callbacks import PERMANENT_FAILURES


def delivery_receipt_recorded(message: Any, changed: bool) -> None:
    """Notify told us what happened to a case message: note it on the case timeline, and when
    it failed for good try the next channel (in the worker, after this transaction)."""
    if not changed or not message.correlation:
        return
    case = Case.objects.filter(reference=message.correlation).first()
    if case is None:
        return
    said = message.delivery_status.replace("-", " ")
    message_note(
        case,
        f"{message.channel.upper()} to {message.recipient}: {said}.",
        channel=message.channel,
        delivery=message.delivery_status,
    )
    if message.delivery_status in PERMANENT_FAILURES:
        task_enqueue_on_commit(case_message_fallback, sent_message_id=message.pk)
