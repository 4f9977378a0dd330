"""Sending jobs to contractors and applying what they send back.

A job is written with its outbox message in the caller's transaction (the case's process step),
so the job exists exactly when the message does. Updates come back signed; each is applied
once, in order, and drives the case's process through the message it waits for. A contractor
saying "not ours" goes back to the process as a rejection, which routes it to an officer: the
resident is never told their request is done when it is not."""

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from townhall.cases import services as case_services
from townhall.cases.models import Case
from townhall.contractors.models import Contractor, ContractorEvent, ContractorJob
from townhall.core.uploads import upload_check
from townhall.integrations.outbox.services import outbox_enqueue
from townhall.waste.models import Round
from townhall.workflow.services import process_message_deliver

Status = ContractorJob.Status
# Where each status sits in a job's life; an update may never move a job backwards.
RANK = {
    Status.SENT: 0,
    Status.ACCEPTED: 1,
    Status.IN_PROGRESS: 2,
    Status.COMPLETED: 3,
    Status.REJECTED: 3,
}
MAX_PHOTOS = 5
MAX_NOTE = 2000


class UpdateRefused(Exception):
    """An update we will not apply; `status_code` is the HTTP answer to give."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class UpdateResult:
    job: ContractorJob
    event: ContractorEvent
    duplicate: bool


def contractor_job_create(
    *,
    case: Case,
    partner: str,
    kind: str,
    reply: str,
    idempotency_key: str,
    collection_round: str = "",
) -> ContractorJob:
    """Write the job and its outbox message in the caller's transaction. Calling again with
    the same key (a retried process step) returns the first job. `collection_round`: the
    waste round (and so the crew) the job is for, read with its crew from waste."""
    contractor = Contractor.objects.select_related("partner").filter(partner__name=partner).first()
    if contractor is None:
        raise ValueError(f"No contractor called {partner!r} is set up (desk: Integrations).")
    with transaction.atomic():
        existing = ContractorJob.objects.filter(outbox__idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        job = ContractorJob.objects.create(contractor=contractor, case=case, kind=kind, reply=reply)
        job.outbox = outbox_enqueue(
            partner=partner,
            operation="job_create",
            payload=job_payload(job, collection_round=collection_round),
            idempotency_key=idempotency_key,
            correlation=case.reference,
        )
        job.save(update_fields=["outbox"])
    return job


def job_payload(job: ContractorJob, collection_round: str = "") -> dict[str, Any]:
    """What the contractor is told: where, what, by when, and for a waste round its crew.
    No resident's personal details."""
    case = job.case
    crew = _round_crew(collection_round)
    return {
        "job_id": str(job.job_id),
        "job": job.kind,
        "reference": case.reference,
        "service": case.service.slug,
        "priority": case.priority,
        "summary": case.summary[:200],
        "location": {
            "lat": case.lat,
            "lon": case.lon,
            "uprn": case.uprn,
            "usrn": case.usrn,
            "text": case.location_text,
        },
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "updates_url": f"/api/contractor/v1/jobs/{job.job_id}/events",
        **({"round": crew} if crew else {}),
    }


def _round_crew(code: str) -> dict[str, str]:
    round_ = (
        Round.objects.filter(code=code).only("code", "crew", "stream").first() if code else None
    )
    if round_ is None:
        return {}
    return {"code": round_.code, "crew": round_.crew, "stream": round_.stream}


def _parse_update(contractor: Contractor, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise UpdateRefused("The body must be a JSON object.")
    problems = []
    event_id = data.get("event_id")
    if not isinstance(event_id, str) or not event_id.strip() or len(event_id) > 100:
        problems.append("event_id must be a string of 1 to 100 characters")
    code = data.get("status")
    mapped = contractor.status_map.get(code) if isinstance(code, str) else None
    if mapped is None:
        known = ", ".join(sorted(contractor.status_map))
        problems.append(f"status {code!r} is not one of your status codes ({known})")
    occurred = (
        parse_datetime(data["occurred_at"]) if isinstance(data.get("occurred_at"), str) else None
    )
    if occurred is None or occurred.tzinfo is None:
        problems.append("occurred_at must be an ISO 8601 date and time with a time zone")
    elif occurred > timezone.now() + timedelta(minutes=5):
        problems.append("occurred_at is in the future")
    note = data.get("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        problems.append(f"note must be text of at most {MAX_NOTE} characters")
    lat, lon = data.get("lat"), data.get("lon")
    if (lat is None) != (lon is None):
        problems.append("give both lat and lon, or neither")
    elif lat is not None and not (
        isinstance(lat, int | float)
        and isinstance(lon, int | float)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    ):
        problems.append("lat and lon must be numbers in range")
    photos = data.get("photos", [])
    if not isinstance(photos, list) or len(photos) > MAX_PHOTOS:
        problems.append(f"photos must be a list of at most {MAX_PHOTOS}")
        photos = []
    if problems:
        said = "; ".join(problems)
        raise UpdateRefused(said[0].upper() + said[1:] + ".")
    if not isinstance(event_id, str):  # pragma: no cover - refused above with the reason
        raise UpdateRefused("The event has no id.")
    return {
        "event_id": event_id.strip(),
        "code": code,
        "status": mapped,
        "occurred_at": occurred,
        "note": note.strip(),
        "lat": lat,
        "lon": lon,
        "photos": photos,
    }


def _check_photos(photos: list[Any]) -> list[Any]:
    checked = []
    for index, photo in enumerate(photos, start=1):
        if not isinstance(photo, dict) or not isinstance(photo.get("content_base64"), str):
            raise UpdateRefused(f"Photo {index} must be an object with content_base64.")
        try:
            data = base64.b64decode(photo["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise UpdateRefused(f"Photo {index} is not valid base64.") from None
        name = str(photo.get("filename") or f"evidence-{index}.jpg")[:100]
        try:
            checked.append(upload_check(SimpleUploadedFile(name, data)))
        except ValidationError as error:
            raise UpdateRefused(f"Photo {index}: {' '.join(error.messages)}") from None
    return checked


def contractor_update_apply(
    *, contractor: Contractor, job_id: str, data: Any, received_at: datetime | None = None
) -> UpdateResult:
    """Apply one status update from a contractor to its job and the job's case.

    Refused (UpdateRefused, nothing changed): malformed, unknown job, another contractor's job,
    out of order (older than the last update, or moving the job backwards, or after it ended).
    The same event id again is a duplicate: acknowledged, not applied twice."""
    update = _parse_update(contractor, data)
    job = ContractorJob.objects.filter(job_id=_uuid(job_id)).select_related("case").first()
    if job is None or job.contractor_id != contractor.pk:
        raise UpdateRefused(f"There is no job {job_id} for {contractor}.", 404)
    earlier = ContractorEvent.objects.filter(
        contractor=contractor, event_id=update["event_id"]
    ).first()
    if earlier is not None:
        return UpdateResult(job, earlier, duplicate=True)
    files = _check_photos(update["photos"])
    try:
        with transaction.atomic():
            job = ContractorJob.objects.select_for_update().get(pk=job.pk)
            # The same event may have been applied while we waited for the lock.
            raced = ContractorEvent.objects.filter(
                contractor=contractor, event_id=update["event_id"]
            ).first()
            if raced is not None:
                return UpdateResult(job, raced, duplicate=True)
            _check_order(job, update)
            event = ContractorEvent.objects.create(
                contractor=contractor,
                job=job,
                event_id=update["event_id"],
                code=update["code"],
                status=update["status"],
                occurred_at=update["occurred_at"],
                note=update["note"],
                lat=update["lat"],
                lon=update["lon"],
                photos=len(files),
            )
            job.status = update["status"]
            job.last_event_at = update["occurred_at"]
            job.save(update_fields=["status", "last_event_at", "updated_at"])
            _case_apply(job, event, files)
    except IntegrityError:  # the same event raced in on another connection
        event = ContractorEvent.objects.get(contractor=contractor, event_id=update["event_id"])
        return UpdateResult(job, event, duplicate=True)
    return UpdateResult(job, event, duplicate=False)


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise UpdateRefused(f"{value!r} is not a job id.", 404) from None


def _check_order(job: ContractorJob, update: dict[str, Any]) -> None:
    if RANK[Status(job.status)] == 3:
        raise UpdateRefused(
            f"Job {job.job_id} is already {job.get_status_display().lower()}; "
            "no further updates are accepted.",
            409,
        )
    if job.last_event_at is not None and update["occurred_at"] < job.last_event_at:
        raise UpdateRefused(
            f"Out of order: this update happened at {update['occurred_at'].isoformat()}, before "
            f"the last one we applied ({job.last_event_at.isoformat()}).",
            409,
        )
    if RANK[Status(update["status"])] < RANK[Status(job.status)]:
        raise UpdateRefused(
            f"Out of order: the job is {job.get_status_display().lower()}, it cannot go back "
            f"to {Status(update['status']).label.lower()}.",
            409,
        )


def _case_apply(job: ContractorJob, event: ContractorEvent, files: list[Any]) -> None:
    """Tell the case (internal timeline) and, when the job has ended, its process."""
    case = job.case
    name = str(job.contractor)
    where = f" at {event.lat:.5f}, {event.lon:.5f}" if event.lat is not None else ""
    text = f"{name}: {Status(event.status).label.lower()} ({event.code}){where}."
    if event.note:
        text += f" {event.note}"
    for checked in files:
        # Internal: an officer checks the evidence before anyone else sees it.
        case_services.case_attachment_add(case=case, checked=checked, is_public=False)
    if files:
        text += f" {len(files)} evidence photo{'s' if len(files) > 1 else ''} attached."
    case_services.case_add_note(case=case, actor=None, text=text[:4000], is_public=False)
    if event.status in (Status.COMPLETED, Status.REJECTED):
        outcome = "completed" if event.status == Status.COMPLETED else "rejected"
        waiting = process_message_deliver(
            case=case,
            name=job.reply,
            data={"outcome": outcome, "note": event.note[:500], "code": event.code},
        )
        if not waiting:
            case_services.case_add_note(
                case=case,
                actor=None,
                text=f"{name} reported the job {outcome}, but the case's process was not "
                "waiting for it: check the case.",
                is_public=False,
            )
