"""Driving one case's process: the engine run loaded from its stored state, the helpers and
routing data its expressions see, operations called in savepoints, and the state, timers and
work items written back. The writes in `services` each lock the case and hand it to a driver.

A process that fails is not rolled back silently: the failed step's own changes are undone
(each operation runs in a savepoint), the state is kept with the failed task marked, and the
process shows "needs attention" with the real error until someone retries it.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from townhall.accounts.models import Team
from townhall.cases.models import Case
from townhall.catalogue.clocks import service_clock
from townhall.core.calendars import LONDON, WorkingCalendar, end_of_day
from townhall.places.models import Street
from townhall.workflow import engine
from townhall.workflow.engine import EngineError
from townhall.workflow.models import ProcessInstance, ProcessVersion, WorkItem
from townhall.workflow.registry import OPERATIONS, OperationContext, OperationError

ERROR_MAX_LENGTH = 2000

# Cases whose process is being driven right now in this thread: a status change made by the
# process itself must not be taken for an officer closing the case by hand.
_driving = threading.local()


def driving_ids() -> set[int]:
    """The cases whose process this thread is driving now (see `_driving`)."""
    if not hasattr(_driving, "ids"):
        _driving.ids = set()
    return _driving.ids


@contextmanager
def _driving_case(case_id: int) -> Iterator[None]:
    ids = driving_ids()
    ids.add(case_id)
    try:
        yield
    finally:
        ids.discard(case_id)


# A version's XML (tens of KB) is read from the database only when this process has not
# parsed that version yet: queries load versions without it (VERSION_LIGHT).
VERSION_LIGHT = ("version__bpmn_xml", "version__dmn_xmls")


def _parsed(version: ProcessVersion) -> engine.ParsedProcess:
    cached = engine.process_spec_cached(version.content_hash)
    if cached is not None:
        return cached
    return engine.process_spec(version.content_hash, version.bpmn_xml, version.dmn_xmls)


# ----------------------------------------------------------------------------------------
# Helpers the expressions may call


def expression_helpers() -> dict[str, Any]:
    """The functions a process's expressions may call, by name."""

    def working_days_after(days: int) -> str:
        """The end of the day `days` working days from now (council calendar)."""
        today = engine.engine_now().astimezone(LONDON).date()
        day = WorkingCalendar("eng", council=True).add_working_days(today, int(days))
        return end_of_day(day).isoformat()

    def hours_after(hours: float) -> str:
        return (engine.engine_now() + timedelta(hours=float(hours))).isoformat()

    def days_after(days: float) -> str:
        return (engine.engine_now() + timedelta(days=float(days))).isoformat()

    def contains(items: Any, value: Any) -> bool:
        return value in (items or [])

    return {
        "working_days_after": working_days_after,
        "hours_after": hours_after,
        "days_after": days_after,
        "contains": contains,
    }


# What a process is given besides the answers: the case's own fields (`routing_data`) and
# the outcome an officer chooses when completing a work item. Not answers, so a form need
# not ask them (`reads.process_definition_reads`).
CASE_NAMES = frozenset(
    {"case_reference", "service", "channel", "priority", "main_road", "has_email", "clock"}
)
WORK_ITEM_NAMES = frozenset({"outcome"})


def routing_data(case: Case, answers: dict[str, Any]) -> dict[str, Any]:
    """The variables a process routes on. Only short coded answers (option values, yes/no,
    numbers) go into engine state: personal details and free text stay in the case."""
    data: dict[str, Any] = {}
    for name, value in answers.items():
        if name.startswith("contact_") or name in expression_helpers():
            continue
        if isinstance(value, bool | int | float) or isinstance(value, str) and _is_code(value):
            data[name] = value
        elif isinstance(value, list) and all(isinstance(v, str) and _is_code(v) for v in value):
            data[name] = list(value)
    main_road = False
    if case.usrn:
        main_road = Street.objects.filter(usrn=case.usrn, is_main_road=True).exists()
    clock = service_clock(service=case.service, received=case.created_at)
    data.update(
        case_reference=case.reference,
        service=case.service.slug,
        channel=case.channel,
        priority=case.priority,
        main_road=main_road,
        has_email=bool(case.contact_email),
        clock={
            "due_at": case.due_at.isoformat() if case.due_at else end_of_day(clock.due).isoformat(),
            "at_risk_at": end_of_day(clock.at_risk).isoformat(),
            "paused": False,
        },
    )
    return data


def _is_code(value: str) -> bool:
    return 0 < len(value) <= 40 and all(c.islower() or c.isdigit() or c in "_-" for c in value)


# ----------------------------------------------------------------------------------------
# Driving a process


class ProcessDriver:
    """One change to one case's process, inside the caller's transaction."""

    def __init__(
        self, case: Case, instance: ProcessInstance, quiet: bool = False, fresh: bool = False
    ) -> None:
        self.case = case
        self.instance = instance
        self.quiet = quiet
        self.fresh = fresh  # the instance was created in this change: it has no work items

    def call_operation(
        self, name: str, params: dict[str, Any], data: dict[str, Any], task_id: str
    ) -> Any:
        fn = OPERATIONS.get(name)
        if fn is None:
            raise OperationError(f"Unknown operation '{name}'")
        ctx = OperationContext(
            case=self.case, instance=self.instance, task_id=task_id, data=data, quiet=self.quiet
        )
        try:
            with transaction.atomic():  # a savepoint: a failed operation leaves nothing
                return fn(ctx, **params)
        except TypeError as error:
            raise OperationError(
                f"Operation '{name}' was given the wrong parameters: {error}"
            ) from error

    def load(self) -> engine.Run:
        return engine.Run.load(
            _parsed(self.instance.version),
            self.instance.state,
            expression_helpers(),
            self.call_operation,
        )

    def new(self) -> engine.Run:
        return engine.Run(_parsed(self.instance.version), expression_helpers(), self.call_operation)

    def act(
        self, run_factory: Callable[[], engine.Run], action: Callable[[engine.Run], Any]
    ) -> Any:
        """Run `action`, then store what the engine did; an engine error is stored too."""
        result = None
        run = None
        ready_before: set[str] | None = None
        with _driving_case(self.case.pk):
            try:
                run = run_factory()
                ready_before = {task.id for task in run.user_tasks()}
                result = action(run)
                error = None
            except EngineError as failure:
                error = failure
        self.store(run, error, ready_before)
        return result

    def store(
        self,
        run: engine.Run | None,
        error: EngineError | None,
        ready_before: set[str] | None = None,
    ) -> None:
        instance = self.instance
        if run is not None:
            instance.state = run.dump()
            instance.next_timer_at = run.next_timer_at() if error is None else None
        if error is not None:
            instance.status = ProcessInstance.Status.NEEDS_ATTENTION
            where = f" (at '{error.task_name}')" if error.task_name else ""
            instance.last_error = f"{error.message}{where}"[:ERROR_MAX_LENGTH]
        elif run is not None and run.is_completed:
            instance.status = ProcessInstance.Status.COMPLETED
            instance.completed_at = timezone.now()
            instance.last_error = ""
            instance.next_timer_at = None
        else:
            instance.status = ProcessInstance.Status.RUNNING
            instance.last_error = ""
        instance.lock_version += 1
        instance.save()
        if run is not None:
            self.sync_work_items(run, ready_before)

    def sync_work_items(self, run: engine.Run, ready_before: set[str] | None = None) -> None:
        """Mirror the ready user tasks as work items; close the ones no longer ready.
        When the same user tasks are ready as before the change (a timer that only
        escalated), the work items are already right and no query is needed."""
        ready = {task.id: task for task in run.user_tasks()}
        if ready_before is not None and set(ready) == ready_before:
            return
        existing = (
            {}
            if self.fresh
            else {
                item.task_id: item
                for item in WorkItem.objects.filter(
                    instance=self.instance, status=WorkItem.Status.OPEN
                )
            }
        )
        gone = [item.pk for task_id, item in existing.items() if task_id not in ready]
        if gone:
            # Not completed through work_item_complete: a timer or message took the path away.
            WorkItem.objects.filter(pk__in=gone).update(
                status=WorkItem.Status.CANCELLED, completed_at=timezone.now()
            )
        new_tasks = [task for task_id, task in ready.items() if task_id not in existing]
        if not new_tasks:
            return
        # Operations may have moved the case on (team, due date): read it once, now.
        case_team_id, case_due_at = (
            Case.objects.filter(pk=self.case.pk).values_list("team_id", "due_at").get()
        )
        WorkItem.objects.bulk_create(
            WorkItem(
                case_id=self.case.pk,
                instance=self.instance,
                task_id=task.id,
                task_name=task.name[:100],
                title=task.title[:200],
                team_id=self._team_id(run, task) or case_team_id,
                due_at=self._due_at(task, case_due_at),
                outcomes=[
                    o.strip() for o in task.properties.get("outcomes", "").split(",") if o.strip()
                ],
            )
            for task in new_tasks
        )

    def _team_id(self, run: engine.Run, task: engine.UserTask) -> int | None:
        value = task.properties.get("team", "")
        if value.startswith("="):
            try:
                value = str(run.evaluate(value[1:], task.data))
            except Exception:  # noqa: BLE001 - a bad team expression falls back to the case's
                value = ""
        if not value:
            return None
        return Team.objects.filter(slug=value).values_list("pk", flat=True).first()

    def _due_at(self, task: engine.UserTask, case_due_at: datetime | None) -> datetime | None:
        rule = task.properties.get("due", "case")
        if rule.startswith("working_days:"):
            today = timezone.localdate(timezone.now(), LONDON)
            cal = WorkingCalendar("eng", council=True)
            return end_of_day(cal.add_working_days(today, int(rule.split(":", 1)[1])))
        if rule.startswith("hours:"):
            return timezone.now() + timedelta(hours=float(rule.split(":", 1)[1]))
        return case_due_at
