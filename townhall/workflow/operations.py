"""What a service task may do: the operations workflow itself offers, registered by name in
`workflow.registry` (apps above workflow register theirs the same way, from their
`AppConfig.ready`). This module is imported from `WorkflowConfig.ready`, so its operations are
known once apps are ready.

Operations change cases only through `cases.services` (residents are told of each status
change there) and reach partners only through the outbox: never a call over the network.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from townhall.accounts.models import Team, User
from townhall.cases import services as case_services
from townhall.cases.models import Case
from townhall.catalogue.clocks import service_clock
from townhall.core.calendars import LONDON, end_of_day
from townhall.core.clocks import ClockKind, clock_compute
from townhall.core.tasks import task_enqueue_on_commit
from townhall.workflow.models import ClockPause, WorkItem
from townhall.workflow.registry import OperationContext, OperationError, operation
from townhall.workflow.resident_words import resident_words
from townhall.workflow.tasks import team_lead_notify


def _field(ctx: OperationContext, name: str) -> Any:
    return Case.objects.filter(pk=ctx.case.pk).values_list(name, flat=True).get()


@operation("set_status")
def set_status(
    ctx: OperationContext, status: str, note: str = "", resolution: str = "completed"
) -> dict[str, Any]:
    """Move the case to `status` (the resident is told, with `note`)."""
    current = _field(ctx, "status")
    if current == status or ctx.quiet:
        return {"status": current}  # a retried step (already done) or an import
    try:
        case_services.case_change_status(
            case=ctx.case,
            actor=None,
            status=status,
            resolution=resolution if status == Case.Status.CLOSED else "",
            public_note=resident_words(ctx.case, note),
        )
    except ValidationError as error:
        raise OperationError("; ".join(error.messages)) from error
    return {"status": status}


@operation("answers_read")
def answers_read(ctx: OperationContext, names: list[str]) -> dict[str, Any]:
    """The answers `names`, "" for each the case has not got (a request that came by a door
    whose form does not ask it, such as Open311, or an older form): a process reads them
    from this step's result variable without failing on a missing name."""
    return {str(name): ctx.data.get(str(name), "") for name in names or []}


@operation("notify_resident")
def notify_resident(ctx: OperationContext, text: str) -> dict[str, Any]:
    """Tell the resident something (a public update on the timeline, emailed to them)."""
    if ctx.quiet:
        return {"sent": False}
    told = resident_words(ctx.case, text)
    case_services.case_add_note(case=ctx.case, actor=None, text=told, is_public=True)
    return {"sent": True}


@operation("send_holding_message")
def send_holding_message(ctx: OperationContext, text: str) -> dict[str, Any]:
    """A holding message to the resident when work is running late."""
    return notify_resident(ctx, text) or {}


def _team(slug: str) -> Team:
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        raise OperationError(f"There is no team '{slug}'")
    return team


@operation("assign_team")
def assign_team(ctx: OperationContext, team: str, reason: str = "") -> dict[str, Any]:
    """Give the case (and its open work items) to another team."""
    target = _team(team)
    case_services.case_route(
        case=ctx.case, actor=None, team=target, reason=reason or "Routed by the process."
    )
    WorkItem.objects.filter(case_id=ctx.case.pk, status=WorkItem.Status.OPEN).update(
        team=target, assigned_to=None
    )
    return {"team": team}


@operation("route")
def route(ctx: OperationContext, team: str, priority: str, reason: str = "") -> dict[str, Any]:
    """Apply a routing decision: team and priority together, one timeline event."""
    case_services.case_route(
        case=ctx.case,
        actor=None,
        team=_team(team),
        priority=priority,
        reason=reason or "Routed by the service's decision table.",
    )
    return {"team": team, "priority": priority}


PRIORITY_ORDER = [
    Case.Priority.LOW,
    Case.Priority.NORMAL,
    Case.Priority.HIGH,
    Case.Priority.URGENT,
]


@operation("raise_priority")
def raise_priority(ctx: OperationContext, reason: str = "") -> dict[str, Any]:
    """One step more urgent (urgent stays urgent)."""
    index = PRIORITY_ORDER.index(Case.Priority(_field(ctx, "priority")))
    priority = PRIORITY_ORDER[min(index + 1, len(PRIORITY_ORDER) - 1)]
    case_services.case_route(
        case=ctx.case, actor=None, priority=priority, reason=reason or "Escalated: running late."
    )
    return {"priority": str(priority)}


@operation("set_priority")
def set_priority(ctx: OperationContext, priority: str, reason: str = "") -> dict[str, Any]:
    """Give the case a priority from the start (homelessness help is urgent whatever is asked)."""
    if _field(ctx, "priority") == priority:
        return {"priority": priority}  # a retried step: already done
    try:
        case_services.case_route(
            case=ctx.case, actor=None, priority=priority, reason=reason or "Set by the process."
        )
    except ValidationError as error:
        raise OperationError("; ".join(error.messages)) from error
    return {"priority": priority}


@operation("notify_team_lead")
def notify_team_lead(ctx: OperationContext, text: str) -> dict[str, Any]:
    """Email the team leads of the case's team, and note it on the case (internal)."""
    leads = list(
        User.objects.filter(
            teams=_field(ctx, "team_id"), role=User.Role.TEAM_LEAD, is_active=True
        ).values_list("pk", flat=True)
    )
    case_services.case_add_note(
        case=ctx.case, actor=None, text=f"Escalated to the team lead: {text}", is_public=False
    )
    for lead_id in [] if ctx.quiet else leads:
        task_enqueue_on_commit(
            team_lead_notify, case_id=ctx.case.pk, user_id=lead_id, text=text, key=ctx.task_id
        )
    return {"leads": len(leads)}


def _clock_result(due: datetime, at_risk: datetime, paused: bool) -> dict[str, Any]:
    return {"due_at": due.isoformat(), "at_risk_at": at_risk.isoformat(), "paused": paused}


def case_clock_apply(case: Case, instance: Any, reason: str) -> dict[str, Any]:
    """Recompute the case's statutory clock from its pauses and extension and store the due
    date on the case; returns the clock for the process's timers."""
    pauses = [(p.paused_on, p.resumed_on) for p in ClockPause.objects.filter(case=case)]
    clock = service_clock(
        service=case.service,
        received=case.created_at,
        pauses=pauses,
        extended=instance.clock_extended,
        today=timezone.localdate(timezone.now(), LONDON),
    )
    due = end_of_day(clock.due)
    case_services.case_route(case=case, actor=None, due_at=due, reason=reason)
    return _clock_result(due, end_of_day(clock.at_risk), clock.paused)


@operation("clock_pause")
def clock_pause(ctx: OperationContext, reason: str) -> dict[str, Any]:
    """Stop the statutory clock (waiting for clarification or proof of identity)."""
    case = ctx.case_latest()
    if not ClockPause.objects.filter(case=case, resumed_on__isnull=True).exists():
        ClockPause.objects.create(
            case=case, reason=reason, paused_on=timezone.localdate(timezone.now(), LONDON)
        )
    return case_clock_apply(case, ctx.instance, f"Clock paused: {reason}")


@operation("clock_resume")
def clock_resume(ctx: OperationContext) -> dict[str, Any]:
    """Start the statutory clock again from today."""
    case = ctx.case_latest()
    ClockPause.objects.filter(case=case, resumed_on__isnull=True).update(
        resumed_on=timezone.localdate(timezone.now(), LONDON)
    )
    return case_clock_apply(case, ctx.instance, "Clock restarted.")


@operation("clock_extend")
def clock_extend(ctx: OperationContext, reason: str) -> dict[str, Any]:
    """Apply the lawful extension (FOI public interest, EIR complexity, SAR two months)."""
    case = ctx.case_latest()
    if not ctx.instance.clock_extended:
        ctx.instance.clock_extended = True
        type(ctx.instance).objects.filter(pk=ctx.instance.pk).update(clock_extended=True)
    return case_clock_apply(case, ctx.instance, f"Time limit extended: {reason}")


@operation("clock_start")
def clock_start(ctx: OperationContext, kind: str, reason: str = "") -> dict[str, Any]:
    """Start a new clock of `kind` from today (a complaint's stage 2 review)."""
    case = ctx.case_latest()
    today = timezone.localdate(timezone.now(), LONDON)
    try:
        clock = clock_compute(kind=ClockKind(kind), received=today)
    except ValueError as error:
        raise OperationError(str(error)) from error
    due = end_of_day(clock.due)
    case_services.case_route(case=case, actor=None, due_at=due, reason=reason or clock.explanation)
    return _clock_result(due, end_of_day(clock.at_risk), False)
