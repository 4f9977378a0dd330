"""A stand-in for `townhall.cases.services` with the agreed signatures, so the demo's case
history can be tested before (and independently of) the real functions."""

from datetime import datetime

from django.utils import timezone

from townhall.cases.models import Case, CaseEvent, ReferenceSequence


def case_create(
    *,
    service,
    summary,
    channel="web",
    answers=None,
    submission=None,
    resident=None,
    raised_by=None,
    contact_name="",
    contact_email="",
    contact_phone="",
    lat=None,
    lon=None,
    uprn="",
    usrn="",
    location_text="",
    received_at: datetime | None = None,
) -> Case:
    received_at = received_at or timezone.now()
    assert timezone.is_aware(received_at)
    assert isinstance(answers, dict)
    sequence, _ = ReferenceSequence.objects.get_or_create(
        prefix=service.reference_prefix, year=received_at.year
    )
    sequence.last_number += 1
    sequence.save()
    case = Case.objects.create(
        reference=f"{service.reference_prefix}-{received_at.year}-{sequence.last_number:06d}",
        service=service,
        submission=submission,
        channel=channel,
        summary=summary[:200],
        department=service.department,
        team=service.default_team,
        resident=resident,
        raised_by=raised_by,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        lat=lat,
        lon=lon,
        uprn=uprn,
        usrn=usrn,
        location_text=location_text,
    )
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CREATED, is_public=True)
    return case


def case_change_status(
    *, case, actor, status, resolution="", public_note="", expected_lock_version=None
) -> Case:
    if status not in Case.Status.values:
        raise ValueError(status)
    if (status == Case.Status.CLOSED) != bool(resolution):
        raise ValueError("A closed case needs a resolution; an open one has none.")
    if resolution and resolution not in Case.Resolution.values:
        raise ValueError(resolution)
    before = case.status
    case.status = status
    case.resolution = resolution
    case.closed_at = timezone.now() if status == Case.Status.CLOSED else None
    case.lock_version += 1
    case.save()
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.STATUS_CHANGED,
        actor=actor,
        is_public=True,
        data={"from": before, "to": status, "resolution": resolution},
    )
    if public_note:
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.PUBLIC_NOTE,
            actor=actor,
            is_public=True,
            text=public_note,
        )
    return case
