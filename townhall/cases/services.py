"""Every write to a case goes through these functions: the portal, the desk, the APIs, the
field app and partners' callbacks all call them, so they behave the same.

Each validates, writes inside one transaction with the case row locked, records a timeline
event, and queues side effects (notifications) to run in the worker after commit. The standard
messages to residents are in `messages`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from townhall.accounts.models import User
from townhall.accounts.permissions import users_who_can_take_cases
from townhall.cases.hooks import CASE_CREATED, CASE_STATUS_CHANGED, case_hooks_run
from townhall.cases.models import Case, CaseAttachment, CaseEvent
from townhall.cases.references import reference_next
from townhall.cases.selectors import my_account_cache_key
from townhall.cases.tasks import case_event_notify
from townhall.catalogue.clocks import service_due_at
from townhall.catalogue.models import Service
from townhall.core.calendars import LONDON
from townhall.core.clocks import AT_RISK_FRACTION
from townhall.core.languages import Language, language_normalise
from townhall.core.tasks import task_enqueue_on_commit
from townhall.core.uploads import CheckedFile

NOTE_MAX_LENGTH = 5000

# Which status may follow which. Reopening a closed case goes back to in progress.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Case.Status.OPEN: {Case.Status.IN_PROGRESS, Case.Status.CLOSED},
    Case.Status.IN_PROGRESS: {Case.Status.OPEN, Case.Status.CLOSED},
    Case.Status.CLOSED: {Case.Status.IN_PROGRESS},
}


class StaleCaseError(ValidationError):
    """Someone else changed the case since this person loaded it."""


@dataclass(frozen=True)
class _MyAccountForget:
    user_id: int

    def __call__(self) -> None:
        keys = [my_account_cache_key(self.user_id, code) for code, _ in settings.LANGUAGES]
        cache.delete_many(keys)


def my_account_forget(user_id: int | None) -> None:
    """Drop a resident's kept My Account lists when the change under way commits: called on
    every save of their cases or forms (see apps.py) and by bulk updates that skip saves.
    A transaction that saves one resident's case several times drops them once."""
    if user_id is None:
        return
    forget = _MyAccountForget(user_id)
    if any(entry[1] == forget for entry in connection.run_on_commit):  # (savepoints, func, ...)
        return
    transaction.on_commit(forget)


def _queue_notification(event: CaseEvent) -> None:
    task_enqueue_on_commit(case_event_notify, event_id=event.pk)


def _event_add(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    text: str = "",
    is_public: bool = False,
    data: dict | None = None,
    notify: bool = False,
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, text=text, is_public=is_public, data=data or {}
    )
    if notify:
        _queue_notification(event)
    return event


def _received_text(service: Service, language: str) -> str:
    """The first line of the timeline, in the resident's language: they read it there."""
    with translation.override(language):
        name = (service.name_cy if language == Language.WELSH else "") or service.name
        return gettext("We received your request: %(service)s.") % {"service": name}


def case_create(
    *,
    service: Service,
    summary: str,
    channel: str = "web",
    answers: dict | None = None,
    submission: Any = None,
    resident: User | None = None,
    raised_by: User | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    lat: float | None = None,
    lon: float | None = None,
    uprn: str = "",
    usrn: str = "",
    location_text: str = "",
    received_at: datetime | None = None,
    channel_client: str = "",
    notify: bool = True,
    reference: str = "",
    sla_from: datetime | None = None,
    language: str = "en",
) -> Case:
    """Open a case for a service, with its reference, team and SLA due date.

    `language` ("en" or "cy") is the one the resident asked in: updates to them use it.

    `received_at` lets imports, the demo and requests accepted before their case was opened
    record when a request really arrived; `reference` is one issued then by `reference_next`.
    `sla_from`: when the SLA starts if not on receipt (a missed bin's counts from the
    collection day that was missed).
    """
    received = received_at or timezone.now()
    clock_start = min(sla_from, received) if sla_from else received
    # No savepoint of its own: if anything here fails, the caller's transaction (or the
    # caller's own savepoint) fails with it. A submission makes one case at most: the
    # database refuses a second (submission is unique), and eforms looks first.
    with transaction.atomic(savepoint=False):
        reference = reference or reference_next(
            prefix=service.reference_prefix, year=received.astimezone(LONDON).year
        )
        case = Case.objects.create(
            reference=reference,
            service=service,
            submission=submission,
            channel=channel,
            channel_client=channel_client[:100],
            language=language_normalise(language),
            summary=(summary or service.name)[:200],
            department_id=service.department_id,
            team_id=service.default_team_id,
            due_at=(due := service_due_at(service=service, received=clock_start)),
            at_risk_at=at_risk_from(clock_start, due),
            lat=lat,
            lon=lon,
            uprn=uprn,
            usrn=usrn,
            location_text=location_text[:255],
            resident=resident,
            raised_by=raised_by,
            contact_name=contact_name[:150],
            contact_email=contact_email,
            contact_phone=contact_phone[:20],
        )
        if received_at is not None:
            Case.objects.filter(pk=case.pk).update(created_at=received_at)
            case.created_at = received_at
        event = _event_add(
            case=case,
            kind=CaseEvent.Kind.CREATED,
            actor=raised_by or resident,
            is_public=True,
            text=_received_text(service, case.language),
            data={"channel": channel},
            notify=notify and bool(case.contact_email),
        )
        if received_at is not None:
            CaseEvent.objects.filter(pk=event.pk).update(at=received_at)
        # The case's process starts in this transaction: no case is ever left without one.
        case_hooks_run(CASE_CREATED, case=case, answers=answers or {}, notify=notify)
    return case


def at_risk_from(start: datetime, due: datetime | None) -> datetime | None:
    """When a case due at `due` becomes at risk: AT_RISK_FRACTION of the way from `start`."""
    if due is None:
        return None
    return start + (due - start) * AT_RISK_FRACTION


def _lock(case: Case, expected_lock_version: int | None) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_lock_version is not None and locked.lock_version != expected_lock_version:
        raise StaleCaseError(
            gettext(
                "%(reference)s was changed by someone else while you were looking at it. "
                "Check the latest details below, then make your change again."
            )
            % {"reference": locked.reference}
        )
    return locked


def _bump(case: Case, fields: list[str]) -> None:
    case.lock_version += 1
    case.save(update_fields=[*fields, "lock_version", "updated_at"])


def note_check(text: str) -> str:
    """A note's text, trimmed; refused when over NOTE_MAX_LENGTH characters."""
    text = (text or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            gettext("A note must be %(most)s characters or fewer.")
            % {"most": f"{NOTE_MAX_LENGTH:,}"},
            code="note",
        )
    return text


def case_change_status(
    *,
    case: Case,
    actor: User | None,
    status: str,
    resolution: str = "",
    public_note: str = "",
    expected_lock_version: int | None = None,
    notify: bool = True,
) -> Case:
    """Move a case to a new status, telling the resident (with the public note if any).
    `notify=False` is for imports and the demo's history, never for live changes."""
    if status not in Case.Status.values:
        raise ValidationError(f"'{status}' is not a case status.")
    public_note = note_check(public_note)
    with transaction.atomic():
        locked = _lock(case, expected_lock_version)
        if status == locked.status:
            raise ValidationError(
                gettext("%(reference)s is already %(status)s.")
                % {
                    "reference": locked.reference,
                    "status": locked.get_status_display(),
                }
            )
        if status not in ALLOWED_TRANSITIONS[locked.status]:
            raise ValidationError(
                gettext("A case that is %(now)s cannot be moved to %(status)s.")
                % {
                    "now": str(locked.get_status_display()).lower(),
                    "status": str(Case.Status(status).label).lower(),
                }
            )
        if status == Case.Status.CLOSED:
            if resolution not in Case.Resolution.values:
                raise ValidationError(
                    gettext("Choose how the case was resolved before closing it."),
                    code="resolution",
                )
            locked.resolution = resolution
            locked.closed_at = timezone.now()
        else:
            locked.resolution = ""
            locked.closed_at = None
        previous = locked.status
        locked.status = status
        _bump(locked, ["status", "resolution", "closed_at"])
        _event_add(
            case=locked,
            kind=CaseEvent.Kind.STATUS_CHANGED,
            actor=actor,
            is_public=True,
            text=public_note,
            data={"from": previous, "to": status, "resolution": locked.resolution},
            notify=notify,
        )
        case_hooks_run(CASE_STATUS_CHANGED, case=locked, previous=previous, actor=actor)
    return locked


def case_add_note(
    *,
    case: Case,
    actor: User | None,
    text: str,
    is_public: bool,
    expected_lock_version: int | None = None,
) -> CaseEvent:
    """A note from staff (or from the case's process, `actor` None): public notes are shown
    and sent to the resident, internal ones not."""
    text = note_check(text)
    if not text:
        raise ValidationError(gettext("Enter the note."), code="note")
    with transaction.atomic():
        locked = _lock(case, expected_lock_version)
        _bump(locked, [])
        return _event_add(
            case=locked,
            kind=CaseEvent.Kind.PUBLIC_NOTE if is_public else CaseEvent.Kind.INTERNAL_NOTE,
            actor=actor,
            text=text,
            is_public=is_public,
            notify=is_public,
        )


def case_add_resident_comment(
    *,
    case: Case,
    resident: User | None,
    text: str,
    files: list[CheckedFile] | None = None,
    idempotency_key: str = "",
) -> CaseEvent:
    """A resident adds a comment or photos to their own open request. A repeated
    idempotency key (a double click, a refresh) returns the first comment."""
    text = note_check(text)
    files = files or []
    if not text and not files:
        raise ValidationError(gettext("Enter a comment or choose a photo to add."))
    with transaction.atomic():
        locked = _lock(case, None)
        if idempotency_key:
            earlier = locked.events.filter(
                kind=CaseEvent.Kind.RESIDENT_COMMENT, data__key=idempotency_key[:64]
            ).first()
            if earlier is not None:
                return earlier
        if not locked.is_open:
            raise PermissionDenied("This request is closed. Make a new request instead.")
        names = []
        for checked in files:
            case_attachment_add(case=locked, checked=checked, is_public=True, uploaded_by=resident)
            names.append(checked.original_name)
        _bump(locked, [])
        return _event_add(
            case=locked,
            kind=CaseEvent.Kind.RESIDENT_COMMENT,
            actor=resident,
            text=text,
            is_public=True,
            data={"files": names, "key": idempotency_key[:64]},
        )


def case_route(
    *,
    case: Case,
    actor: User | None,
    team: Any = None,
    priority: str = "",
    due_at: datetime | None = None,
    reason: str = "",
) -> Case:
    """Change who deals with a case, how urgent it is, or when it is due (routing rules,
    escalations, statutory clock pauses). Only what is given changes; an internal timeline
    event says what and why."""
    if priority and priority not in Case.Priority.values:
        raise ValidationError(f"'{priority}' is not a case priority.")
    if team is not None and team.department_id is None:
        raise ValidationError("Choose a team.")
    with transaction.atomic():
        locked = _lock(case, None)
        changes: dict[str, Any] = {}
        if team is not None and team.pk != locked.team_id:
            changes["team"] = team.name
            locked.team = team
            locked.department_id = team.department_id
        if priority and priority != locked.priority:
            changes["priority"] = priority
            locked.priority = priority
        if due_at is not None and due_at != locked.due_at:
            changes["due_at"] = due_at.isoformat()
            locked.due_at = due_at
            locked.at_risk_at = at_risk_from(locked.created_at, due_at)
        if not changes:
            return locked
        _bump(locked, ["team", "department", "priority", "due_at", "at_risk_at"])
        _event_add(
            case=locked,
            kind=CaseEvent.Kind.ASSIGNED,
            actor=actor,
            text=reason[:NOTE_MAX_LENGTH],
            data=changes,
        )
    return locked


def assignees_for(case: Case) -> QuerySet[User]:
    """Staff who may be given this case: those who can take cases (accounts.permissions) in
    its department."""
    return (
        users_who_can_take_cases()
        .filter(departments=case.department_id)
        .order_by("full_name", "email")
    )


def case_assign(
    *, case: Case, actor: User | None, assignee: User | None,
    expected_lock_version: int | None = None,
) -> Case:  # fmt: skip
    """Give the case to one person (None: nobody). Refused: someone outside its department."""
    with transaction.atomic():
        locked = _lock(case, expected_lock_version)
        if assignee is not None and not assignees_for(locked).filter(pk=assignee.pk).exists():
            raise ValidationError(
                gettext(
                    "%(who)s cannot take cases of %(department)s: choose someone from that "
                    "department."
                )
                % {
                    "who": assignee.full_name or assignee.email,
                    "department": locked.department.name,
                }
            )
        if (assignee.pk if assignee else None) == locked.assigned_to_id:
            return locked
        locked.assigned_to = assignee
        _bump(locked, ["assigned_to"])
        who = (assignee.full_name or assignee.email) if assignee else "nobody"
        _event_add(
            case=locked, kind=CaseEvent.Kind.ASSIGNED, actor=actor, text=f"Assigned to {who}.",
            data={"assigned_to": assignee.pk if assignee else None,
                  "assigned_to_name": who if assignee else ""},
        )  # fmt: skip
    return locked


def case_reopen(
    *, case: Case, actor: User | None, reason: str, expected_lock_version: int | None = None
) -> Case:
    """Open a closed case again, saying why (the resident is told)."""
    reason = note_check(reason)
    if not reason:
        raise ValidationError(gettext("Say why the case is reopened: the resident will see it."))
    if case.status != Case.Status.CLOSED:
        raise ValidationError(gettext("Only a closed case can be reopened."))
    return case_change_status(
        case=case, actor=actor, status=Case.Status.IN_PROGRESS, public_note=reason,
        expected_lock_version=expected_lock_version,
    )  # fmt: skip


def case_merge_duplicate(
    *, duplicate: Case, original: Case, actor: User | None,
    expected_lock_version: int | None = None,
) -> Case:  # fmt: skip
    """Close `duplicate` as a duplicate of `original` (the same fly-tip reported twice): the
    resident is told the reference to follow, and both timelines link to each other."""
    if duplicate.pk == original.pk:
        raise ValidationError(gettext("A case cannot be a duplicate of itself."))
    if duplicate.status == Case.Status.CLOSED:
        raise ValidationError(
            gettext("%(reference)s is already closed.") % {"reference": duplicate.reference}
        )
    if original.status == Case.Status.CLOSED:
        raise ValidationError(
            gettext("%(reference)s is closed: reopen it first, or pick another.")
            % {"reference": original.reference}
        )
    with transaction.atomic():
        case_change_status(
            case=duplicate, actor=actor, status=Case.Status.CLOSED,
            resolution=Case.Resolution.DUPLICATE,
            public_note=f"This was already reported as {original.reference}. We will deal with "
            "it there, and you will hear when it is done.",
            expected_lock_version=expected_lock_version,
        )  # fmt: skip
        locked = _lock(original, None)
        _event_add(
            case=locked, kind=CaseEvent.Kind.INTERNAL_NOTE, actor=actor,
            text=f"{duplicate.reference} was merged into this case as a duplicate.",
            data={"duplicate": duplicate.reference},
        )  # fmt: skip
        _event_add(
            case=duplicate, kind=CaseEvent.Kind.INTERNAL_NOTE, actor=actor,
            text=f"Merged into {original.reference} as a duplicate.",
            data={"duplicate_of": original.reference},
        )  # fmt: skip
    duplicate.refresh_from_db()
    return duplicate


def case_attachment_add(
    *, case: Case, checked: CheckedFile, is_public: bool, uploaded_by: User | None = None
) -> CaseAttachment:
    """Store one file already checked by content (`core.uploads.upload_check`) on a case: the
    one way every door (resident, officer, Open311, contractor evidence) attaches a file.
    Writes no timeline event: the caller says in its own event why the file came."""
    attachment = CaseAttachment(
        case=case,
        original_name=checked.original_name,
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
        is_public=is_public,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(checked.storage_name, checked.content, save=False)
    attachment.save()
    return attachment


def case_attach_files(
    *, case: Case, actor: User, files: list[CheckedFile], is_public: bool, note: str = ""
) -> CaseEvent:
    """Staff add files (checked by content) to a case; public ones the resident can see."""
    if not files:
        raise ValidationError(gettext("Choose a file to attach."))
    note = note_check(note)
    with transaction.atomic():
        locked = _lock(case, None)
        for checked in files:
            case_attachment_add(
                case=locked, checked=checked, is_public=is_public, uploaded_by=actor
            )
        _bump(locked, [])
        names = ", ".join(f.original_name for f in files)
        return _event_add(
            case=locked, kind=CaseEvent.Kind.ATTACHMENT_ADDED, actor=actor,
            text=note or f"Added {names}.", is_public=is_public,
            data={"files": [f.original_name for f in files]},
        )  # fmt: skip


def cases_bulk_apply(cases: list[Case], change: Any) -> tuple[list[str], list[tuple[str, str]]]:
    """Apply `change(case)` to each case on its own (one refusal does not undo the others).
    Returns the references changed and (reference, reason) for each refused."""
    done: list[str] = []
    refused: list[tuple[str, str]] = []
    for case in cases:
        try:
            change(case)
        except ValidationError as error:
            refused.append((case.reference, " ".join(error.messages)))
        else:
            done.append(case.reference)
    return done, refused
