"""Background work for cases. Tasks take ids, are safe to run twice (each message has an
idempotency key), retry with backoff, and end in a visible failed state (SentMessage)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from townhall.cases.models import CaseEvent
from townhall.cases.notifications import (
    NOTIFYING_KINDS,
    case_language,
    message_fallback,
    notification_render,
    personalisation,
    recipients,
    template_for,
)
from townhall.integrations.models import SentMessage
from townhall.integrations.notify.channels import DeliveryError, send_email, send_sms
from townhall.integrations.notify.tasks import backoff_seconds

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
    fields = personalisation(event, rendered)
    case = event.case
    sent = []
    try:
        if email and send_email(
            to=email,
            subject=rendered.subject,
            body=rendered.body,
            idempotency_key=f"case-event-{event.pk}-email",
            correlation=case.reference,
            template_id=template_for(case.service, event.kind, "email", case_language(case)),
            personalisation=fields,
        ):
            sent.append(("email", email))
        if phone and send_sms(
            to=phone,
            body=rendered.sms,
            idempotency_key=f"case-event-{event.pk}-sms",
            correlation=case.reference,
            template_id=template_for(case.service, event.kind, "sms", case_language(case)),
            personalisation=fields,
        ):
            sent.append(("sms", phone))
    except DeliveryError as error:
        if error.permanent:  # this channel will never work: try the resident's next one
            failed = SentMessage.objects.filter(
                correlation=case.reference,
                status=SentMessage.Status.FAILED,
                idempotency_key__startswith=f"case-event-{event.pk}-",
            ).first()
            if failed is not None:
                case_message_fallback.enqueue(sent_message_id=failed.pk)
            return f"refused for good: {error}"
        if attempt >= MAX_ATTEMPTS:
            raise  # the SentMessage row stays 'failed' with the provider's error
        delay = timedelta(seconds=backoff_seconds(30, attempt))
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


@task(queue_name="notifications")
def case_message_fallback(sent_message_id: int) -> str:
    """A message to a resident failed for good (Notify said so): send it by their next
    channel (email, then SMS, then letter), or tell the case's officers nobody could be reached."""
    return message_fallback(SentMessage.objects.get(pk=sent_message_id))
