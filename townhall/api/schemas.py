from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from townhall.cases.models import Case
from townhall.cases.services import NOTE_MAX_LENGTH

StatusName = Literal["open", "in_progress", "closed"]
ResolutionName = Literal[
    "completed", "no_further_action", "duplicate", "not_councils_responsibility", "withdrawn"
]


class Error(Schema):
    detail: str


class InvalidRequest(Schema):
    detail: str
    errors: list[dict]


class CaseSummary(Schema):
    reference: str
    service: str
    summary: str
    status: str
    priority: str
    department: str
    team: str | None
    assigned_to: str | None
    channel: str
    created_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    lock_version: int

    @staticmethod
    def from_case(case: Case) -> "CaseSummary":
        return CaseSummary(
            reference=case.reference,
            service=case.service.name,
            summary=case.summary,
            status=case.status,
            priority=case.priority,
            department=case.department.name,
            team=case.team.name if case.team else None,
            assigned_to=case.assigned_to.email if case.assigned_to else None,
            channel=case.channel,
            created_at=case.created_at,
            due_at=case.due_at,
            closed_at=case.closed_at,
            lock_version=case.lock_version,
        )


class CaseDetail(CaseSummary):
    resolution: str
    location_text: str
    lat: float | None
    lon: float | None
    uprn: str
    contact_name: str
    contact_email: str
    contact_phone: str


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    results: list[CaseSummary]


class Event(Schema):
    id: int
    kind: str
    at: datetime
    actor: str | None
    is_public: bool
    text: str
    data: dict


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=NOTE_MAX_LENGTH, pattern=r"\S")
    is_public: bool = False
    lock_version: int | None = Field(default=None, ge=0)


class StatusMove(Schema):
    """Open or in progress (reopening a closed case moves it to in progress)."""

    status: Literal["open", "in_progress"]
    public_note: str = Field(default="", max_length=NOTE_MAX_LENGTH)
    lock_version: int | None = Field(default=None, ge=0)


class StatusClose(Schema):
    """Closing a case always says how it was resolved."""

    status: Literal["closed"]
    resolution: ResolutionName
    public_note: str = Field(default="", max_length=NOTE_MAX_LENGTH)
    lock_version: int | None = Field(default=None, ge=0)


StatusIn = Annotated[StatusMove | StatusClose, Field(discriminator="status")]


class WorkItemOut(Schema):
    id: int
    case: str
    title: str
    task: str
    team: str | None
    assigned_to: str | None
    status: str
    outcomes: list[str]
    due_at: datetime | None
    created_at: datetime
    completed_at: datetime | None


class WorkItemDone(Schema):
    outcome: str = Field(default="", max_length=60)


class AssignIn(Schema):
    """Who takes the case: a member of staff of its department, or null for nobody."""

    assignee_id: int | None = Field(default=None, ge=1)
    lock_version: int | None = Field(default=None, ge=0)


class MergeIn(Schema):
    """Close this case as a duplicate of `original` (a reference you may see)."""

    original: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")
    lock_version: int | None = Field(default=None, ge=0)
