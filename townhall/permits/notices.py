"""The renewal reminder a permit holder gets before it runs out, by email and SMS.

Sent by the permits clock, with no request active: it is worded in the language stored for
the holder (their account's choice, else the one they applied in), dates included."""

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from townhall.cases.notifications import case_language
from townhall.core.languages import Language
from townhall.integrations.notify.channels import send_email, send_sms
from townhall.permits.models import Permit


def reminder_language(permit: Permit) -> str:
    """The holder's language: their account's, else their application's."""
    chosen = permit.holder.language if permit.holder is not None else ""
    return chosen or case_language(permit.case)


def reminder_text(permit: Permit) -> tuple[str, str, str]:
    """(subject, body, text message) of the reminder, in the holder's language."""
    service = permit.scheme.service
    with translation.override(reminder_language(permit)):
        welsh = translation.get_language() == Language.WELSH
        name = (service.name_cy if welsh else "") or service.name
        values = {
            "service": name,
            "service_lower": name.lower(),
            "number": permit.number,
            "quantity": permit.quantity,
            "address": permit.address_text,
            "ends": date_format(permit.ends_on, "j F Y") if permit.ends_on else "",
            "link": f"{settings.SITE_URL.rstrip('/')}/my-account/",
        }
        subject = gettext("Renew your %(service_lower)s: permit %(number)s ends on %(ends)s") % (
            values
        )
        body = (
            gettext(
                "Your permit %(number)s (%(quantity)s x %(service)s, %(address)s) ends on "
                "%(ends)s. After that we stop collecting.\n\nRenew it in My Account: %(link)s\n"
            )
            % values
        )
        sms = gettext("%(subject)s. Renew in My Account.") % {"subject": subject}
    return subject, body, sms


def permit_reminder_send(permit_id: int) -> str:
    """Send the reminder by email and SMS to whatever contact the holder has. Each channel is
    sent at most once (its idempotency key), so a retried task repeats nothing."""
    permit = Permit.objects.select_related("scheme__service", "holder", "case__resident").get(
        pk=permit_id
    )
    subject, body, sms = reminder_text(permit)
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
        body=sms,
        idempotency_key=f"{key}-sms",
        correlation=permit.number or "",
    ):
        sent.append("sms")
    return ",".join(sent) or "nothing new to send"
