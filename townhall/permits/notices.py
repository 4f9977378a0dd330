"""The renewal reminder a permit holder gets before it runs out, by email and SMS."""

from django.conf import settings

from townhall.integrations.notify.channels import send_email, send_sms
from townhall.permits.models import Permit


def reminder_text(permit: Permit) -> tuple[str, str]:
    """(subject, body) of the reminder."""
    service = permit.scheme.service.name
    ends = f"{permit.ends_on:%-d %B %Y}" if permit.ends_on else ""
    subject = f"Renew your {service.lower()}: permit {permit.number} ends on {ends}"
    body = (
        f"Your permit {permit.number} ({permit.quantity} x {service}, {permit.address_text}) "
        f"ends on {ends}. After that we stop collecting.\n\n"
        f"Renew it in My Account: {settings.SITE_URL.rstrip('/')}/my-account/\n"
    )
    return subject, body


def permit_reminder_send(permit_id: int) -> str:
    """Send the reminder by email and SMS to whatever contact the holder has. Each channel is
    sent at most once (its idempotency key), so a retried task repeats nothing."""
    permit = Permit.objects.select_related("scheme__service", "holder").get(pk=permit_id)
    subject, body = reminder_text(permit)
    email = permit.holder.email if permit.holder else permit.holder_email
    phone = (permit.holder.phone if permit.holder else "") or permit.holder_phone
    sent = []
    key = f"permit-reminder-{permit.pk}"
    if email and send_email(
        to=email,
        subject=subject,
        body=body,
        idempotency_key=f"{key}-email",
        correlation=permit.number or "",
    ):
        sent.append("email")
    if phone and send_sms(
        to=phone,
        body=f"{subject}. Renew in My Account.",
        idempotency_key=f"{key}-sms",
        correlation=permit.number or "",
    ):
        sent.append("sms")
    return ",".join(sent) or "nothing new to send"
