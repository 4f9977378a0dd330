"""The one way Townhall sends email and SMS.

`send_email` and `send_sms` are safe to call twice with the same idempotency key: the second
call finds the SentMessage already sent and does nothing. Production may route through GOV.UK
Notify (NOTIFY_CHANNEL=govuk_notify) behind the same functions.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from townhall.integrations.models import SentMessage
from townhall.integrations.notify.sms import get_sms_backend


class DeliveryError(Exception):
    """The provider refused or failed; the message stays pending for a retry."""


def _claim(key: str, channel: str, to: str, subject: str, body: str) -> SentMessage | None:
    message, _ = SentMessage.objects.get_or_create(
        idempotency_key=key,
        defaults={"channel": channel, "recipient": to, "subject": subject, "body": body},
    )
    if message.status == SentMessage.Status.SENT:
        return None
    return message


def _record(message: SentMessage, error: Exception | None) -> None:
    message.attempts += 1
    if error is None:
        message.status = SentMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
    else:
        message.status = SentMessage.Status.FAILED
        message.last_error = str(error)[:2000]
    message.save(update_fields=["attempts", "status", "sent_at", "last_error"])


def send_email(*, to: str, subject: str, body: str, idempotency_key: str) -> bool:
    """Send one email; returns False when it had already been sent under this key."""
    message = _claim(idempotency_key, SentMessage.Channel.EMAIL, to, subject, body)
    if message is None:
        return False
    try:
        if settings.NOTIFY_CHANNEL == "govuk_notify":
            from townhall.integrations.notify.govuk_notify import notify_send_email

            notify_send_email(to=to, subject=subject, body=body, reference=idempotency_key)
        else:
            EmailMessage(subject=subject, body=body, to=[to]).send(fail_silently=False)
    except Exception as error:
        _record(message, error)
        raise DeliveryError(str(error)) from error
    _record(message, None)
    return True


def send_sms(*, to: str, body: str, idempotency_key: str) -> bool:
    """Send one SMS; returns False when it had already been sent under this key."""
    message = _claim(idempotency_key, SentMessage.Channel.SMS, to, "", body)
    if message is None:
        return False
    try:
        if settings.NOTIFY_CHANNEL == "govuk_notify":
            from townhall.integrations.notify.govuk_notify import notify_send_sms

            notify_send_sms(to=to, body=body, reference=idempotency_key)
        else:
            get_sms_backend().send(to=to, body=body)
    except Exception as error:
        _record(message, error)
        raise DeliveryError(str(error)) from error
    _record(message, None)
    return True
