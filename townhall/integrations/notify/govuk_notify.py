"""GOV.UK Notify: production channel behind the same send functions.

Notify sends through templates; we use one generic template per channel whose body is a
single ((body)) placeholder (and ((subject)) for email), configured by id.
"""

import os

from notifications_python_client.notifications import NotificationsAPIClient


def _client() -> NotificationsAPIClient:
    from django.conf import settings

    return NotificationsAPIClient(settings.NOTIFY_API_KEY)


def notify_send_email(*, to: str, subject: str, body: str, reference: str) -> str:
    response = _client().send_email_notification(
        email_address=to,
        template_id=os.environ["NOTIFY_EMAIL_TEMPLATE_ID"],
        personalisation={"subject": subject, "body": body},
        reference=reference,
    )
    return response["id"]


def notify_send_sms(*, to: str, body: str, reference: str) -> str:
    response = _client().send_sms_notification(
        phone_number=to,
        template_id=os.environ["NOTIFY_SMS_TEMPLATE_ID"],
        personalisation={"body": body},
        reference=reference,
    )
    return response["id"]
