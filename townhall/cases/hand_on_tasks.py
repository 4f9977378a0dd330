"""The email that hands a report on to the council responsible for it, written once the
case and its photos are stored (on commit), sent by the notifications worker with retries."""

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from townhall.cases.models import CaseHandOn
from townhall.catalogue.hand_on import hand_on_read
from townhall.integrations.notify.tasks import email_deliver


def hand_on_email_text(hand_on: CaseHandOn) -> tuple[str, str]:
    """Subject and plain-text body: the report's answers, where, and links to its photos."""
    case = hand_on.case
    answers = case.submission.answers if case.submission is not None else {}
    lines = [
        f"{settings.COUNCIL_NAME} has received a report that is for {hand_on.responsible} to "
        "deal with, and has passed it on to you.",
        "",
        f"Our reference: {case.reference}",
        f"Service: {case.service.name}",
        f"Received: {case.created_at:%d %B %Y %H:%M}",
        "",
        "Where:",
        f"  {case.location_text or 'not given'}",
    ]
    if case.lat is not None and case.lon is not None:
        lines.append(f"  Latitude {case.lat:.6f}, longitude {case.lon:.6f}")
    if case.usrn:
        lines.append(f"  USRN {case.usrn}")
    lines += ["", "What they told us:"]
    for name, value in answers.items():
        if name.startswith("contact_") or isinstance(value, dict | list):
            continue
        lines.append(f"  {name.replace('_', ' ').capitalize()}: {value}")
    photos = list(case.attachments.filter(is_public=True))
    if photos:
        lines += ["", "Photos:"]
        for photo in photos:
            path = reverse("portal:attachment", args=[case.reference, photo.pk])
            link = f"{settings.SITE_URL}{path}?t={case.tracking_token}"
            lines.append(f"  {photo.original_name}: {link}")
    if case.contact_name or case.contact_email or case.contact_phone:
        lines += ["", "The resident, if you need to ask them more:"]
        for value in (case.contact_name, case.contact_email, case.contact_phone):
            if value:
                lines.append(f"  {value}")
    lines += ["", f"Please quote {case.reference} when you write to us about it."]
    return f"Report passed on from {settings.COUNCIL_NAME}: {case.reference}", "\n".join(lines)


@task(queue_name="notifications")
def case_hand_on_email(hand_on_id: int) -> str:
    """Write the hand-on email and queue it (email_deliver retries and ends visibly failed);
    safe to run twice: the message's key is the hand-on's."""
    hand_on = CaseHandOn.objects.select_related("case__service", "case__submission").get(
        pk=hand_on_id
    )
    setting = hand_on_read(hand_on.case.service.hand_on)
    if setting is None or setting.method != "email":
        return "no email hand-on"
    subject, body = hand_on_email_text(hand_on)
    email_deliver.enqueue(
        to=setting.address, subject=subject, body=body, idempotency_key=hand_on.message_key
    )
    return "queued"
