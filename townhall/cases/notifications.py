"""What the resident is told about a case event, rendered from per-service templates.

Templates live in templates/notifications/<service-slug>/<kind>.txt, falling back to
notifications/default/<kind>.txt. The first line of a template is the email subject.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template import Context
from django.template.loader import select_template
from django.urls import reverse

from townhall.cases.models import Case, CaseEvent

NOTIFYING_KINDS = {
    CaseEvent.Kind.CREATED,
    CaseEvent.Kind.STATUS_CHANGED,
    CaseEvent.Kind.PUBLIC_NOTE,
}


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


def notification_render(event: CaseEvent) -> Rendered:
    case = event.case
    template = select_template(
        [
            f"notifications/{case.service.slug}/{event.kind}.txt",
            f"notifications/default/{event.kind}.txt",
        ]
    )
    context = {
        "case": case,
        "event": event,
        "service": case.service,
        "link": case_link(case),
        "council_name": settings.COUNCIL_NAME,
        "name": case.contact_name or (case.resident.full_name if case.resident else ""),
    }
    # Plain text: no HTML escaping, or an officer's "council's" would arrive as council&#x27;s.
    text = template.template.render(Context(context, autoescape=False)).strip()
    subject, _, body = text.partition("\n")
    sms = f"{settings.COUNCIL_NAME}: {subject.strip()}. {context['link']}"
    return Rendered(subject=subject.strip(), body=body.strip() + "\n", sms=sms)


def recipients(case: Case) -> tuple[str, str]:
    """(email, phone) to notify, honouring a signed-in resident's contact preferences."""
    resident = case.resident
    if resident is not None:
        email = resident.email if resident.notify_by_email else ""
        phone = resident.phone if resident.notify_by_sms and resident.phone else ""
        return email, phone
    return case.contact_email, ""
