"""Opening the case of a request accepted over Open311.

Below both `services.py` (which accepts requests and queues the opening) and `tasks.py` (whose
`open311_case_open` runs it): the function a task runs sits below `tasks.py`, the function
that queues it above, so neither module imports the other back.
"""

from typing import Any

from django.db import transaction

from townhall.cases.models import Case, CaseAttachment
from townhall.cases.services import case_create
from townhall.catalogue.models import Channel
from townhall.open311.models import Open311Submission
from townhall.places import selectors as places

# Streets further than this from a point are not the point's street.
STREET_MAX_DISTANCE_M = 250.0


def submission_case_open(*, submission_id: int) -> Case | None:
    """Open the case of an accepted request, once: a second run finds it open already."""
    with transaction.atomic():
        submission = (
            Open311Submission.objects.select_for_update(of=("self",))
            .select_related("client", "service")
            .filter(pk=submission_id)
            .first()
        )
        if submission is None:
            return None
        if submission.case_id is not None:
            # Read case_id, not a joined case: a second opener that waited for the row lock
            # gets the row as the first left it, but a join in the same statement would not
            # see the case the first just inserted (PostgreSQL re-checks only the locked row).
            return Case.objects.get(pk=submission.case_id)
        return case_open_from_submission(submission)


def street_near(lat: float, lon: float, location_text: str) -> tuple[str, str]:
    """The USRN of the street at a point (for the case's routing) and the location's text,
    "Near <street>" when the client gave none; ("", the text) with no street near."""
    street = places.nearest_street(lat, lon, max_distance_m=STREET_MAX_DISTANCE_M)
    if street is None:
        return "", location_text
    return street.usrn, location_text or f"Near {street.name}"


def case_open_from_submission(
    submission: Open311Submission, photos: list[Any] | None = None
) -> Case:
    """Open the case of an accepted request now, inside the caller's transaction: from the
    worker (`submission_case_open`, the row locked) or at once when the post came with photos,
    which the worker could not be given."""
    intake = submission.intake
    lat, lon, usrn = intake["lat"], intake["lon"], intake["usrn"]
    location_text = intake["location_text"]
    if lat is not None and lon is not None and not usrn and not intake.get("street_checked"):
        # Looked for on acceptance since Open311 reads show requests waiting to open (the
        # case keeps the address they gave); only requests accepted before that get here.
        usrn, location_text = street_near(lat, lon, location_text)
    if submission.service is None or not submission.reference:  # pragma: no cover
        raise ValueError(f"Accepted request {submission.pk} has no service or reference")
    case = case_create(
        service=submission.service,
        summary=intake["summary"],
        channel=Channel.OPEN311,
        answers=submission.attributes,
        contact_name=intake["name"],
        contact_email=intake["email"],
        contact_phone=intake["phone"],
        lat=lat,
        lon=lon,
        uprn=intake["uprn"],
        usrn=usrn,
        location_text=location_text,
        channel_client=submission.client.name,
        received_at=submission.created_at,
        reference=submission.reference,
    )
    submission.case = case
    submission.save(update_fields=["case"])
    for photo in photos or []:
        attachment = CaseAttachment(
            case=case,
            original_name=photo.original_name,
            content_type=photo.content_type,
            extension=photo.extension,
            size=photo.size,
            is_public=True,
        )
        attachment.file.save(photo.storage_name, photo.content, save=False)
        attachment.save()
    return case
