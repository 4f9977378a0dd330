"""The one way Townhall sends email, SMS and letters.

`send_email`, `send_sms` and `send_letter` are safe to call twice with the same idempotency
key: the second call finds the SentMessage already sent and does nothing. Production routes
through GOV.UK Notify (NOTIFY_CHANNEL=govuk_notify) behind the same functions; the demo and
tests use Django's email backend and files for SMS and letters. Notify's delivery receipts
arrive later (notify/callbacks.py) and are recorded on the same SentMessage."""

import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from townhall.integrations.models import SentMessage
from townhall.integrations.notify.sms import get_sms_backend


class DeliveryError(Exception):
    """The provider refused or failed; the message stays failed with the provider's error.
    `permanent`: another try will not help, so the caller should use another channel."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def _claim(
    key: str, channel: str, to: str, subject: str, body: str, correlation: str, template_id: str
) -> SentMessage | None:
    message, _ = SentMessage.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "channel": channel,
            "recipient": to,
            "subject": subject,
            "body": body,
            "correlation": correlation[:60],
            "template_id": template_id,
        },
    )
    if message.status == SentMessage.Status.SENT:
        return None
    return message


def _record(message: SentMessage, error: Exception | None, provider_id: str = "") -> None:
    message.attempts += 1
    if error is None:
        message.status = SentMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.provider_id = provider_id[:64]
    else:
        message.status = SentMessage.Status.FAILED
        message.last_error = str(error)[:2000]
    message.save(update_fields=["attempts", "status", "sent_at", "last_error", "provider_id"])


def _send(message: SentMessage, through_notify: Any, locally: Any) -> bool:
    # Imported late on purpose, here and in each through_notify below: govuk_notify loads
    # GOV.UK Notify's client (about 0.26 s, `python -X importtime`), which a council sending
    # through Django's email backend never needs, so it stays out of every process's start-up.
    from townhall.integrations.notify.govuk_notify import NotifyRefused

    try:
        if settings.NOTIFY_CHANNEL == "govuk_notify":
            provider_id = through_notify()
        else:
            provider_id = locally() or ""
    except NotifyRefused as error:
        _record(message, error)
        raise DeliveryError(str(error), permanent=error.permanent) from error
    except Exception as error:
        _record(message, error)
        raise DeliveryError(str(error)) from error
    _record(message, None, provider_id)
    return True


def send_email(
    *,
    to: str,
    subject: str,
    body: str,
    idempotency_key: str,
    correlation: str = "",
    template_id: str = "",
    personalisation: dict[str, Any] | None = None,
) -> bool:
    """Send one email; returns False when it had already been sent under this key."""
    message = _claim(
        idempotency_key, SentMessage.Channel.EMAIL, to, subject, body, correlation, template_id
    )
    if message is None:
        return False

    def through_notify() -> str:
        from townhall.integrations.notify.govuk_notify import notify_send_email  # late: see _send

        return notify_send_email(
            to=to,
            subject=subject,
            body=body,
            reference=idempotency_key,
            template_id=template_id,
            personalisation=personalisation,
        )

    def locally() -> str:
        EmailMessage(subject=subject, body=body, to=[to]).send(fail_silently=False)
        return ""

    return _send(message, through_notify, locally)


def send_sms(
    *,
    to: str,
    body: str,
    idempotency_key: str,
    correlation: str = "",
    template_id: str = "",
    personalisation: dict[str, Any] | None = None,
) -> bool:
    """Send one SMS; returns False when it had already been sent under this key."""
    message = _claim(
        idempotency_key, SentMessage.Channel.SMS, to, "", body, correlation, template_id
    )
    if message is None:
        return False

    def through_notify() -> str:
        from townhall.integrations.notify.govuk_notify import notify_send_sms  # late: see _send

        return notify_send_sms(
            to=to,
            body=body,
            reference=idempotency_key,
            template_id=template_id,
            personalisation=personalisation,
        )

    return _send(message, through_notify, lambda: get_sms_backend().send(to=to, body=body))


def send_letter(
    *,
    address_lines: list[str],
    subject: str,
    body: str,
    idempotency_key: str,
    correlation: str = "",
    template_id: str = "",
    personalisation: dict[str, Any] | None = None,
) -> bool:
    """Post one letter (Notify prints and posts it); the last address line is the postcode.
    Returns False when it had already been sent under this key."""
    if len([line for line in address_lines if line.strip()]) < 3:
        raise DeliveryError("A letter needs at least 3 address lines.", permanent=True)
    to = ", ".join(address_lines)
    message = _claim(
        idempotency_key,
        SentMessage.Channel.LETTER,
        to[:254],
        subject,
        body,
        correlation,
        template_id,
    )
    if message is None:
        return False

    def through_notify() -> str:
        from townhall.integrations.notify.govuk_notify import notify_send_letter  # late: see _send

        return notify_send_letter(
            address_lines=address_lines,
            subject=subject,
            body=body,
            reference=idempotency_key,
            template_id=template_id,
            personalisation=personalisation,
        )

    def locally() -> str:
        directory = Path(settings.LETTER_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        reference = uuid.uuid4().hex
        letter = {"address": address_lines, "subject": subject, "body": body}
        (directory / f"{timezone.now():%Y%m%d-%H%M%S}-{reference[:8]}.json").write_text(
            json.dumps(letter, indent=2)
        )
        return reference

    return _send(message, through_notify, locally)
