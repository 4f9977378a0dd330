"""The staff JSON API: cases, their notes and status changes, and the work items their
processes open. A door like the desk: which cases a token's owner sees is decided by
cases.permissions, every write goes through cases.services or workflow.services, and every
read of a case is audited.
"""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest
from ninja import Body, Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from townhall.accounts.models import User
from townhall.api.auth import StaffToken
from townhall.api.schemas import (
    AssignIn,
    CaseDetail,
    CasePage,
    CaseSummary,
    Error,
    Event,
    InvalidRequest,
    MergeIn,
    NoteIn,
    StatusIn,
    StatusName,
    WorkItemDone,
    WorkItemOut,
)
from townhall.api.waste_views import router as waste_router
from townhall.cases.models import Case, CaseEvent
from townhall.cases.permissions import case_for_staff, cases_visible_to
from townhall.cases.services import (
    case_add_note,
    case_assign,
    case_change_status,
    case_merge_duplicate,
)
from townhall.core.audit import audit_record
from townhall.workflow.models import WorkItem
from townhall.workflow.services import work_item_complete

PAGE_LIMIT_MAX = 100
# Every operation may be refused for a missing token (401) or a malformed request (422).
REFUSALS: dict[int, type] = {401: Error, 422: InvalidRequest}
NOTE_KINDS = [CaseEvent.Kind.PUBLIC_NOTE, CaseEvent.Kind.INTERNAL_NOTE]

api = NinjaAPI(
    title="Townhall staff API",
    version="1",
    description=(
        "Cases, notes and status changes for council staff tools. Send "
        "`Authorization: Bearer <token>`; a token acts with its owner's desk permissions."
    ),
    auth=StaffToken(),
    urls_namespace="api",
    docs_url=None,
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception):
    response = api.create_response(request, {"detail": "Send a valid staff API token."}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError):
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": exc.errors}, status=422
    )


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, return-value]


def _case(request: HttpRequest, reference: str) -> Case:
    case = case_for_staff(_user(request), reference)
    audit_record(
        action="view",
        object_type="case",
        object_id=case.reference,
        actor=_user(request),
        subject_user_id=case.resident_id,
        reason="staff API",
        request=request,
    )
    return case


def _refused(error: ValidationError) -> HttpError:
    """What the service refused, once the request itself passed the schema, is a conflict
    with the case's current state: changed meanwhile, already in that status, or a move
    that status does not allow."""
    return HttpError(409, error.messages[0])


class CaseFilters(Schema):
    status: StatusName | None = None
    mine: bool = False
    limit: int = Field(default=25, ge=1, le=PAGE_LIMIT_MAX)
    offset: int = Field(default=0, ge=0, le=10_000_000)


@api.get("/cases", response={200: CasePage, **REFUSALS}, summary="Cases you may see")
def case_list(request: HttpRequest, filters: Query[CaseFilters]):
    """Cases visible to the token's owner, most pressing (earliest due) first."""
    user = _user(request)
    cases = cases_visible_to(user)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.mine:
        cases = cases.filter(assigned_to=user)
    page = list(
        cases.select_related("service", "department", "team", "assigned_to").order_by(
            F("due_at").asc(nulls_last=True), "created_at", "pk"
        )[filters.offset : filters.offset + filters.limit]
    )
    # A list shows case summaries, not personal details: one audit record for the read.
    audit_record(
        action="view",
        object_type="case_list",
        object_id="api",
        actor=user,
        request=request,
        detail={"references": [case.reference for case in page]},
    )
    return {
        "count": cases.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "results": [CaseSummary.from_case(case) for case in page],
    }


@api.get(
    "/cases/{reference}", response={200: CaseDetail, 404: Error, **REFUSALS}, summary="One case"
)
def case_detail(request: HttpRequest, reference: str):
    case = _case(request, reference)
    return CaseDetail(
        **CaseSummary.from_case(case).dict(),
        resolution=case.resolution,
        location_text=case.location_text,
        lat=case.lat,
        lon=case.lon,
        uprn=case.uprn,
        contact_name=case.contact_name,
        contact_email=case.contact_email,
        contact_phone=case.contact_phone,
    )


def _event(event: CaseEvent) -> dict:
    return {
        "id": event.pk,
        "kind": event.kind,
        "at": event.at,
        "actor": event.actor.email if event.actor else None,
        "is_public": event.is_public,
        "text": event.text,
        "data": event.data,
    }


@api.get(
    "/cases/{reference}/events",
    response={200: list[Event], 404: Error, **REFUSALS},
    summary="Timeline",
)
def case_events(request: HttpRequest, reference: str):
    case = _case(request, reference)
    return [_event(e) for e in case.events.select_related("actor").order_by("at", "id")]


@api.get(
    "/cases/{reference}/notes", response={200: list[Event], 404: Error, **REFUSALS}, summary="Notes"
)
def note_list(request: HttpRequest, reference: str):
    case = _case(request, reference)
    notes = case.events.filter(kind__in=NOTE_KINDS).select_related("actor").order_by("at", "id")
    return [_event(e) for e in notes]


@api.post(
    "/cases/{reference}/notes",
    response={201: Event, 400: Error, 404: Error, 409: Error, **REFUSALS},
    summary="Add a note",
)
def note_add(request: HttpRequest, reference: str, note: NoteIn):
    """A public note is shown and sent to the resident; an internal one is for staff only.
    Send the case's `lock_version` to be refused (409) if someone changed it meanwhile."""
    case = _case(request, reference)
    try:
        event = case_add_note(
            case=case,
            actor=_user(request),
            text=note.text,
            is_public=note.is_public,
            expected_lock_version=note.lock_version,
        )
    except ValidationError as error:
        raise _refused(error) from error
    return Status(201, _event(event))


@api.post(
    "/cases/{reference}/status",
    response={200: CaseDetail, 400: Error, 404: Error, 409: Error, **REFUSALS},
    summary="Change the status",
)
def status_change(request: HttpRequest, reference: str, change: Body[StatusIn]):
    """Move the case to a new status (closing needs a resolution); the resident is told."""
    case = _case(request, reference)
    try:
        changed = case_change_status(
            case=case,
            actor=_user(request),
            status=change.status,
            resolution=getattr(change, "resolution", ""),
            public_note=change.public_note,
            expected_lock_version=change.lock_version,
        )
    except ValidationError as error:
        raise _refused(error) from error
    return case_detail(request, changed.reference)


@api.post(
    "/cases/{reference}/assign",
    response={200: CaseDetail, 400: Error, 404: Error, 409: Error, **REFUSALS},
    summary="Assign the case",
)
def assign(request: HttpRequest, reference: str, body: Body[AssignIn]):
    """Give the case to a member of its department's staff (null: nobody)."""
    case = _case(request, reference)
    assignee = (
        User.objects.filter(pk=body.assignee_id).first() if body.assignee_id is not None else None
    )
    if body.assignee_id is not None and assignee is None:
        raise HttpError(409, "There is no member of staff with that id.")
    try:
        case_assign(
            case=case,
            actor=_user(request),
            assignee=assignee,
            expected_lock_version=body.lock_version,
        )
    except ValidationError as error:
        raise _refused(error) from error
    return case_detail(request, case.reference)


@api.post(
    "/cases/{reference}/merge",
    response={200: CaseDetail, 400: Error, 404: Error, 409: Error, **REFUSALS},
    summary="Close as a duplicate of another case",
)
def merge(request: HttpRequest, reference: str, body: Body[MergeIn]):
    """The resident is told which reference to follow; both timelines link to each other."""
    duplicate = _case(request, reference)
    original = _case(request, body.original.upper())
    try:
        case_merge_duplicate(
            duplicate=duplicate,
            original=original,
            actor=_user(request),
            expected_lock_version=body.lock_version,
        )
    except ValidationError as error:
        raise _refused(error) from error
    return case_detail(request, duplicate.reference)


def _work_item(item: WorkItem) -> dict:
    return {
        "id": item.pk,
        "case": item.case.reference,
        "title": item.title,
        "task": item.task_name,
        "team": item.team.name if item.team else None,
        "assigned_to": item.assigned_to.email if item.assigned_to else None,
        "status": item.status,
        "outcomes": item.outcomes,
        "due_at": item.due_at,
        "created_at": item.created_at,
        "completed_at": item.completed_at,
    }


class WorkItemFilters(Schema):
    mine: bool = False
    limit: int = Field(default=25, ge=1, le=PAGE_LIMIT_MAX)
    offset: int = Field(default=0, ge=0, le=10_000_000)


@api.get("/work-items", response={200: list[WorkItemOut], **REFUSALS}, summary="Open work items")
def work_item_list(request: HttpRequest, filters: Query[WorkItemFilters]):
    """Open work items on cases you may see, soonest due first (`mine`: assigned to you)."""
    user = _user(request)
    items = WorkItem.objects.filter(
        status=WorkItem.Status.OPEN, case__in=cases_visible_to(user)
    ).select_related("case", "team", "assigned_to")
    if filters.mine:
        items = items.filter(assigned_to=user)
    page = items.order_by(F("due_at").asc(nulls_last=True), "id")[
        filters.offset : filters.offset + filters.limit
    ]
    return [_work_item(item) for item in page]


@api.get(
    "/cases/{reference}/work-items",
    response={200: list[WorkItemOut], 404: Error, **REFUSALS},
    summary="A case's work items",
)
def case_work_items(request: HttpRequest, reference: str):
    case = _case(request, reference)
    items = case.work_items.select_related("case", "team", "assigned_to").order_by(
        "created_at", "id"
    )
    return [_work_item(item) for item in items]


@api.post(
    "/work-items/{item_id}/complete",
    response={200: WorkItemOut, 400: Error, 404: Error, 409: Error, **REFUSALS},
    summary="Complete a work item",
)
def work_item_done(request: HttpRequest, item_id: int, done: WorkItemDone):
    """Mark a work item done with one of its outcomes; the case's process moves on. A work
    item already done, or an outcome the task does not offer, is refused (409)."""
    user = _user(request)
    item = (
        WorkItem.objects.filter(pk=item_id, case__in=cases_visible_to(user))
        .select_related("case", "team", "assigned_to")
        .first()
    )
    if item is None:
        raise Http404
    try:
        done_item = work_item_complete(work_item=item, actor=user, outcome=done.outcome)
    except ValidationError as error:
        raise _refused(error) from error
    done_item.refresh_from_db()
    return _work_item(done_item)


# The open waste API (no token): its own router, added last so its paths sit under /api/v1/.
api.add_router("/v1/waste/", waste_router)
