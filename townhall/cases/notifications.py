"""What the resident is told about a case event, rendered from per-service templates.

Templates live in templates/notifications/<service-slug>/<kind>.txt, falling back to
notifications/default/<kind>.txt. The first line of a template is the email subject.

A resident who chose Welsh (issue 20) is written to in Welsh: `<kind>.cy.txt` (the service's,
else the default one, never an English template) rendered with Welsh active, so dates and
labels are Welsh too; and a service's own Notify template for Welsh
(`notify_templates[kind]["<channel>_cy"]`) where set, else the generic one, never its English
one. tests/test_notifications_welsh.py walks every kind of every service in Welsh.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context
from django.template.loader import select_template
from django.urls import reverse
from django.utils import translation

from townhall.cases.models import Case, CaseEvent
from townhall.core.languages import Language, language_active
from townhall.integrations.models import SentMessage
from townhall.integrations.notify.channels import (
    DeliveryError,
    send_email,
    send_letter,
    send_sms,
)

NOTIFYING_KINDS = {
    CaseEvent.Kind.CREATED,
    CaseEvent.Kind.STATUS_CHANGED,
    CaseEvent.Kind.PUBLIC_NOTE,
}


# GOV.UK Notify refuses a text message longer than this (its 918-character limit).
SMS_MAX_LENGTH = 918


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    sms: str


def case_link(case: Case) -> str:
    if case.resident_id:
        path = reverse("portal:request_detail", args=[case.reference])
    else:
        path = reverse("portal:track", args=[case.tracking_token])
    return f"{settings.SITE_URL}{path}"


def case_language(case: Case) -> str:
    """The language to write to the case's resident in: their account's (their latest choice)
    if they made one, else the one they asked in."""
    chosen = case.resident.language if case.resident is not None else ""
    return chosen or case.language


def notification_render(event: CaseEvent) -> Rendered:
    language = case_language(event.case)
    with translation.override(language):
        return _render(event, language)


def _render(event: CaseEvent, language: str) -> Rendered:
    case = event.case
    link = case_link(case)
    names = [
        f"notifications/{case.service.slug}/{event.kind}.txt",
        f"notifications/default/{event.kind}.txt",
    ]
    if language == Language.WELSH:
        # The service's Welsh, else the default's: never an English template, since every
        # kind has a default Welsh one (a test walks them all).
        names = [name.replace(".txt", ".cy.txt") for name in names]
    template = select_template(names)
    context = {
        "case": case,
        "event": event,
        "service": case.service,
        "link": link,
        "council_name": settings.COUNCIL_NAME,
        "name": case.contact_name or (case.resident.full_name if case.resident else ""),
    }
    # Plain text: no HTML escaping, or an officer's "council's" would arrive as council&#x27;s.
    text = template.template.render(Context(context, autoescape=False)).strip()
    subject, _, body = text.partition("\n")
    link = case_link(case)
    sms = f"{settings.COUNCIL_NAME}: {subject.strip()}. {link}"
    if len(sms) > SMS_MAX_LENGTH:  # a long first line must not get the text refused
        sms = sms[: SMS_MAX_LENGTH - len(link) - 2].rstrip() + "… " + link
    return Rendered(subject=subject.strip(), body=body.strip() + "\n", sms=sms)


def recipients(case: Case) -> tuple[str, str]:
    """(email, phone) to notify, honouring a signed-in resident's contact preferences."""
    resident = case.resident
    if resident is not None:
        email = resident.email if resident.notify_by_email else ""
        phone = resident.phone if resident.notify_by_sms and resident.phone else ""
        return email, phone
    return case.contact_email, ""


CHANNEL_ORDER = ("email", "sms", "letter")


def template_for(service: Any, kind: str, channel: str, language: str = "en") -> str:
    """The service's own Notify template for this event and channel, or "" for the generic one.
    In Welsh, its Welsh template (`<channel>_cy`) or the generic one (the text we rendered
    in Welsh), never its English one."""
    templates = service.notify_templates or {}
    chosen = templates.get(kind, {}) if isinstance(templates, dict) else {}
    if not isinstance(chosen, dict):
        return ""
    key = f"{channel}_cy" if language == Language.WELSH else channel
    return str(chosen.get(key, ""))


def personalisation(event: CaseEvent, rendered: Rendered) -> dict[str, str]:
    """Every field a council's own Notify template may use."""
    case = event.case
    with translation.override(case_language(case)):
        service_name = (case.service.name_cy if language_active() == Language.WELSH else "") or (
            case.service.name
        )
        status = str(case.get_status_display())
    return {
        "reference": case.reference,
        "service": service_name,
        "status": status,
        "name": case.contact_name or (case.resident.full_name if case.resident else ""),
        "link": case_link(case),
        "subject": rendered.subject,
        "body": rendered.body,
    }


def _reachable(case: Case) -> dict[str, Any]:
    """Every way we know to reach the case's resident, whatever their usual preference: used
    only when the usual way has failed for good."""
    resident = case.resident
    email = (resident.email if resident else "") or case.contact_email
    phone = (resident.phone if resident else "") or case.contact_phone
    address = []
    if resident is not None and resident.address_line and resident.postcode:
        name = resident.full_name or case.contact_name
        address = [name, *[p.strip() for p in resident.address_line.split(",")], resident.postcode]
    return {"email": email, "sms": phone, "letter": [line for line in address if line]}


def _event_of(message: Any) -> CaseEvent | None:
    key = message.idempotency_key
    if not key.startswith("case-event-"):
        return None
    event_id = key.removeprefix("case-event-").rsplit("-", 1)[0]
    return (
        CaseEvent.objects.select_related("case__service", "case__resident")
        .filter(pk=int(event_id) if event_id.isdigit() else 0)
        .first()
    )


def message_note(case: Case, text: str, **data: Any) -> None:
    """Note on the case's timeline (staff only) what happened to a message to the resident."""
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.MESSAGE_SENT, text=text[:4000], is_public=False, data=data
    )


def message_fallback(failed: Any) -> str:
    """Send the message that failed for good by the resident's next channel (email, SMS,
    letter), each tried once; or note on the case that nobody could be reached."""
    event = _event_of(failed)
    if event is None:
        return "not a case message"
    case = event.case
    base = f"case-event-{event.pk}-"
    tried = set(
        SentMessage.objects.filter(idempotency_key__startswith=base).values_list(
            "channel", flat=True
        )
    )
    reach = _reachable(case)
    rendered = notification_render(event)
    fields = personalisation(event, rendered)
    for channel in CHANNEL_ORDER:
        if channel in tried or not reach[channel]:
            continue
        common: dict[str, Any] = {
            "idempotency_key": base + channel,
            "correlation": case.reference,
            "template_id": template_for(case.service, event.kind, channel, case_language(case)),
            "personalisation": fields,
        }
        try:
            if channel == "email":
                send_email(
                    to=reach["email"], subject=rendered.subject, body=rendered.body, **common
                )
            elif channel == "sms":
                send_sms(to=reach["sms"], body=rendered.sms, **common)
            else:
                send_letter(
                    address_lines=reach["letter"],
                    subject=rendered.subject,
                    body=rendered.body,
                    **common,
                )
        except DeliveryError as error:
            tried.add(channel)
            message_note(
                case, f"{channel.upper()} could not be sent either: {error}", channel=channel
            )
            continue
        message_note(
            case,
            f"{failed.channel.upper()} to {failed.recipient} failed for good "
            f"({failed.delivery_status or failed.last_error[:80]}): sent by {channel.upper()} instead.",
            channel=channel,
            fallback_from=failed.channel,
        )
        return f"sent by {channel}"
    message_note(
        case,
        f"We could not reach the resident: {failed.channel.upper()} failed for good and there is "
        "no other way on record. Call them or check their contact details.",
        unreachable=True,
    )
    return "unreachable"
