"""Background work for cases. Tasks take ids, are safe to run twice (each message has an
idempotency key), retry with backoff, and end in a visible failed state (SentMessage)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from townhall.cases.models import CaseEvent
from townhall.cases.notifications import NOTIFYING_KINDS, notification_render, recipients
from townhall.integrations.notify.channels import DeliveryError, send_email, send_sms

MAX_ATTEMPTS = 6


@task(queue_name="notifications")
def case_event_notify(event_id: int, attempt: int = 1) -> str:
    """Tell the resident about one timeline event by email (and SMS if they chose it)."""
    event = CaseEvent.objects.select_related("case__service", "case__resident").get(pk=event_id)
    if event.kind not in NOTIFYING_KINDS or not event.is_public:
        return "not notifiable"
    email, phone = recipients(event.case)
    if not email and not phone:
        return "no recipient"
    rendered = notification_render(event)
    sent = []
    try:
        if email and send_email(
            to=email,
            subject=rendered.subject,
            body=rendered.body,
            idempotency_key=f"case-event-{event.pk}-email",
        ):
            sent.append(("email", email))
        if phone and send_sms(
            to=phone, body=rendered.sms, idempotency_key=f"case-event-{event.pk}-sms"
        ):
            sent.append(("sms", phone))
    except DeliveryError:
        if attempt >= MAX_ATTEMPTS:
            raise  # the SentMessage row stays 'failed' with the provider's error
        delay = timedelta(seconds=30 * 2**attempt)
        case_event_notify.using(run_after=timezone.now() + delay).enqueue(
            event_id=event_id, attempt=attempt + 1
        )
        return f"retry {attempt + 1} queued"
    for channel, to in sent:
        CaseEvent.objects.create(
            case=event.case,
            kind=CaseEvent.Kind.MESSAGE_SENT,
            text=f"{channel.upper()} sent: {rendered.subject}",
            data={"channel": channel, "to": to, "event": event.pk},
        )
    return f"sent {len(sent)}"
