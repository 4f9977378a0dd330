"""GOV.UK Notify: the production channel behind the same send functions.

Notify sends through templates. A service may name its own template per event and channel
(catalogue: Service.notify_templates); otherwise one generic template per channel is used, whose
body is a single ((body)) placeholder (and ((subject)) for email and letters). Every send passes
all the personalisation we have, so a council's own templates may use any of it."""

from typing import Any

from django.conf import settings
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyRefused(Exception):
    """Notify refused the message. `permanent`: sending it again will not help (a bad
    recipient, a missing template field); otherwise it may be retried (rate limit, outage)."""

    def __init__(self, message: str, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def _client() -> NotificationsAPIClient:
    return NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL)


def _call(send: Any, **kwargs: Any) -> str:
    try:
        response = send(**kwargs)
    except HTTPError as error:
        status = getattr(error, "status_code", 500) or 500
        raise NotifyRefused(
            f"Notify said {status}: {error.message}",
            permanent=400 <= status < 500 and status != 429,
        ) from error
    except OSError as error:  # connection refused, timed out
        raise NotifyRefused(f"Could not reach Notify: {error}", permanent=False) from error
    return str(response["id"])


def _template(template_id: str, default: str, channel: str) -> str:
    chosen = template_id or default
    if not chosen:
        raise NotifyRefused(f"No Notify template is set up for {channel}.", permanent=True)
    return chosen


def notify_send_email(
    *,
    to: str,
    subject: str,
    body: str,
    reference: str,
    template_id: str = "",
    personalisation: dict[str, Any] | None = None,
) -> str:
    return _call(
        _client().send_email_notification,
        email_address=to,
        template_id=_template(template_id, settings.NOTIFY_EMAIL_TEMPLATE_ID, "email"),
        personalisation={**(personalisation or {}), "subject": subject, "body": body},
        reference=reference,
    )


def notify_send_sms(
    *,
    to: str,
    body: str,
    reference: str,
    template_id: str = "",
    personalisation: dict[str, Any] | None = None,
) -> str:
    return _call(
        _client().send_sms_notification,
        phone_number=to,
        template_id=_template(template_id, settings.NOTIFY_SMS_TEMPLATE_ID, "SMS"),
        personalisation={**(personalisation or {}), "body": body},
        reference=reference,
    )


def notify_send_letter(
    *,
    address_lines: list[str],
    subject: str,
    body: str,
    reference: str,
    template_id: str = "",
    personalisation: dict[str, Any] | None = None,
) -> str:
    address = {f"address_line_{i}": line for i, line in enumerate(address_lines[:7], start=1)}
    return _call(
        _client().send_letter_notification,
        template_id=_template(template_id, settings.NOTIFY_LETTER_TEMPLATE_ID, "letters"),
        personalisation={
            **(personalisation or {}),
            **address,
            "subject": subject,
            "body": body,
        },
        reference=reference,
    )
