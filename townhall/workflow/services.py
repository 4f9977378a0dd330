"""Every write to processes: publishing versions, starting a case's process, completing work
items, delivering partner replies, firing timers and retrying after an error.

Each change runs in one transaction with the case row locked (then its process row), loads
the engine state, acts, and stores the state, the next timer time and the work items back.
A process that fails is not rolled back silently: the failed step's own changes are undone
(each operation runs in a savepoint), the state is kept with the failed task marked, and the
process shows "needs attention" with the real error until someone retries it.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townhall.accounts.models import Team, User
from townhall.cases.models import Case
from townhall.cases.services import case_add_resident_comment
from townhall.catalogue.clocks import service_clock
from townhall.core.audit import audit_record
from townhall.core.calendars import LONDON, WorkingCalendar, end_of_day
from townhall.places.models import Street
from townhall.workflow import engine
from townhall.workflow.definitions import (
    VersionDiff,
    process_definition_check,
    process_definition_diff,
)
from townhall.workflow.engine import EngineError
from townhall.workflow.models import ProcessInstance, ProcessVersion, WorkItem
from townhall.workflow.registry import OPERATIONS, OperationContext, OperationError

ERROR_MAX_LENGTH = 2000
SWEEP_CHUNK = 100

# Cases whose process is being driven right now in this thread: a status change made by the
# process itself must not be taken for an officer closing the case by hand.
_driving = threading.local()


def _driving_ids() -> set[int]:
    if not hasattr(_driving, "ids"):
        _driving.ids = set()
    return _driving.ids


@contextmanager
def _driving_case(case_id: int) -> Iterator[None]:
    ids = _driving_ids()
    ids.add(case_id)
    try:
        yield
    finally:
        ids.discard(case_id)


# ----------------------------------------------------------------------------------------
# Publishing


def known_teams() -> set[str]:
    return set(Team.objects.values_list("slug", flat=True))


def process_version_validate(*, bpmn_xml: str, dmn_xmls: list[str]) -> engine.ParsedProcess:
    """Check a definition without publishing it (the designer's "check" button). Raises
    ProcessDefinitionError (or its subclass ProcessInvalid, listing every problem)."""
    return process_definition_check(
        bpmn_xml=bpmn_xml,
        dmn_xmls=dmn_xmls,
        known_operations=OPERATIONS.names(),
        known_teams=known_teams(),
        known_functions=_helpers().keys(),
    )


def process_version_publish(
    *,
    key: str,
    name: str,
    bpmn_xml: str,
    dmn_xmls: list[str] | None = None,
    published_by: User | None = None,
    note: str = "",
) -> ProcessVersion:
    """Validate a definition and make it the live version of process `key`.

    A definition identical to the live one changes nothing (so the demo loader can publish
    on every start). One that fails validation raises ProcessDefinitionError with the reason
    and leaves the live version live. Cases already running keep the version they started
    on; new cases start on this one. Who published it and when is recorded."""
    dmn_xmls = list(dmn_xmls or [])
    if not key or len(key) > 60:
        raise ValidationError("A process needs a key of 1 to 60 characters.")
    process_version_validate(bpmn_xml=bpmn_xml, dmn_xmls=dmn_xmls)
    content_hash = ProcessVersion.hash_content(bpmn_xml, dmn_xmls)
    with transaction.atomic():
        versions = list(ProcessVersion.objects.select_for_update().filter(key=key))
        live = next((v for v in versions if v.is_live), None)
        if live is not None and live.content_hash == content_hash:
            return live
        if live is not None:
            live.is_live = False
            live.save(update_fields=["is_live"])
        version = ProcessVersion.objects.create(
            key=key,
            version=max((v.version for v in versions), default=0) + 1,
            name=name[:150],
            bpmn_xml=bpmn_xml,
            dmn_xmls=dmn_xmls,
            content_hash=content_hash,
            published_by=published_by,
            published_at=timezone.now(),
            is_live=True,
            note=note[:300],
        )
        audit_record(
            actor=published_by,
            action="create",
            object_type="process_version",
            object_id=str(version.pk),
            detail={"key": key, "version": version.version, "hash": content_hash},
        )
    return version


def process_version_diff(*, old: ProcessVersion, new: ProcessVersion) -> VersionDiff:
    """What changed from `old` to `new` (elements added, removed, changed; XML diff)."""
    return process_definition_diff(
        old_bpmn=old.bpmn_xml, old_dmns=old.dmn_xmls, new_bpmn=new.bpmn_xml, new_dmns=new.dmn_xmls
    )


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


def _helpers() -> dict[str, Any]:
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


def _routing_data(case: Case, answers: dict[str, Any]) -> dict[str, Any]:
    """The variables a process routes on. Only short coded answers (option values, yes/no,
    numbers) go into engine state: personal details and free text stay in the case."""
    data: dict[str, Any] = {}
    for name, value in answers.items():
        if name.startswith("contact_") or name in _helpers():
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


class _Driver:
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
            _parsed(self.instance.version), self.instance.state, _helpers(), self.call_operation
        )

    def new(self) -> engine.Run:
        return engine.Run(_parsed(self.instance.version), _helpers(), self.call_operation)

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


def _lock(case: Case) -> tuple[Case, ProcessInstance]:
    locked = Case.objects.select_for_update(of=("self",)).select_related("service").get(pk=case.pk)
    instance = (
        ProcessInstance.objects.select_for_update(of=("self",))
        .select_related("version")
        .defer(*VERSION_LIGHT)
        .get(case=locked)
    )
    return locked, instance


def process_start(
    *,
    case: Case,
    answers: dict[str, Any] | None = None,
    quiet: bool = False,
    just_created: bool = False,
) -> ProcessInstance | None:
    """Start the live process of the case's service on the case (in the caller's
    transaction, normally the one that created the case). Returns None when the service has
    no process or no live version of it; a second call returns the existing process.
    `quiet` is for imports: the first steps notify nobody and leave the status alone.
    `just_created`: the caller inserted the case in this transaction (so holds its row lock
    and it can have no process yet), which saves re-reading and re-locking it."""
    key = case.service.process_key
    if not key:
        return None
    version = (
        ProcessVersion.objects.filter(key=key, is_live=True).defer("bpmn_xml", "dmn_xmls").first()
    )
    if version is None:
        return None
    # A case just created starts its process in the creating transaction, without a savepoint
    # of its own: a failure here fails the case's creation too.
    with transaction.atomic(savepoint=not just_created):
        if just_created:
            locked = case
            instance = ProcessInstance.objects.create(case=case, version=version)
        else:
            locked = (
                Case.objects.select_for_update(of=("self",))
                .select_related("service")
                .get(pk=case.pk)
            )
            instance, created = ProcessInstance.objects.get_or_create(
                case=locked, defaults={"version": version}
            )
            if not created:
                return instance
        driver = _Driver(locked, instance, quiet=quiet, fresh=just_created)
        data = _routing_data(locked, answers or {})
        driver.act(driver.new, lambda run: run.start(data))
    return instance


def _open_item(work_item: WorkItem) -> WorkItem:
    item = WorkItem.objects.select_for_update().get(pk=work_item.pk)
    if item.status != WorkItem.Status.OPEN:
        raise ValidationError(f"'{item.title}' has already been done.")
    return item


def work_item_complete(
    *,
    work_item: WorkItem,
    actor: User | None,
    outcome: str = "",
    data: dict[str, Any] | None = None,
) -> WorkItem:
    """Complete a work item (the process moves on). `outcome` must be one the task offers;
    a second click on a done item is refused with a clear message and changes nothing."""
    data = dict(data or {})
    with transaction.atomic():
        case, instance = _lock(work_item.case)
        item = _open_item(work_item)
        if item.outcomes and outcome not in item.outcomes:
            choices = ", ".join(o.replace("_", " ") for o in item.outcomes)
            raise ValidationError(f"Choose what happened: {choices}.")
        if instance.status != ProcessInstance.Status.RUNNING:
            raise ValidationError(
                "This case's process needs attention: retry it before completing tasks."
            )
        if outcome:
            data["outcome"] = outcome
        driver = _Driver(case, instance)
        item.status = WorkItem.Status.DONE
        item.completed_at = timezone.now()
        item.completed_by = actor
        item.save(update_fields=["status", "completed_at", "completed_by"])
        driver.act(driver.load, lambda run: run.complete(item.task_id, _safe(data)))
        audit_record(
            actor=actor,
            action="change",
            object_type="work_item",
            object_id=str(item.pk),
            detail={"case": case.reference, "task": item.task_name, "outcome": outcome},
        )
    return item


def _safe(data: dict[str, Any]) -> dict[str, Any]:
    """Only JSON primitives go into engine state (dates and Decimals break the serializer)."""
    allowed = (str, int, float, bool, type(None))
    return {
        key: value
        for key, value in data.items()
        if isinstance(value, allowed)
        or (isinstance(value, list) and all(isinstance(v, allowed) for v in value))
    }


def process_message_deliver(*, case: Case, name: str, data: dict[str, Any] | None = None) -> bool:
    """Deliver a partner's reply (e.g. a contractor's "job_done") to the case's process.
    Returns False when the process is not waiting for that message (a duplicate or a late
    reply): nothing changes then."""
    with transaction.atomic():
        try:
            locked, instance = _lock(case)
        except ProcessInstance.DoesNotExist:
            return False
        if instance.status != ProcessInstance.Status.RUNNING:
            return False
        driver = _Driver(locked, instance)
        run = driver.load()
        if name not in run.waiting_messages():
            return False
        return bool(driver.act(lambda: run, lambda r: r.deliver_message(name, _safe(data or {}))))


@dataclass
class SweepResult:
    fired: int = 0
    failed: int = 0
    skipped: int = 0


def process_timers_sweep(*, limit: int = 1000, now: datetime | None = None) -> SweepResult:
    """Fire the timers that are due, at most `limit` processes. Rows are claimed with
    SELECT ... FOR UPDATE SKIP LOCKED and the due time is checked again under the lock, so two
    sweepers running at once never fire one timer twice; a case someone is working on is
    left for the next sweep."""
    now = now or engine.engine_now()
    result = SweepResult()
    due = list(
        ProcessInstance.objects.filter(
            status=ProcessInstance.Status.RUNNING, next_timer_at__lte=now
        )
        .order_by("next_timer_at")
        .values_list("pk", flat=True)[:limit]
    )
    for start in range(0, len(due), SWEEP_CHUNK):
        chunk = due[start : start + SWEEP_CHUNK]
        with transaction.atomic():
            claimed = list(
                ProcessInstance.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk__in=chunk, status=ProcessInstance.Status.RUNNING, next_timer_at__lte=now)
                .select_related("version")
                .defer(*VERSION_LIGHT)
            )
            cases = {
                c.pk: c
                for c in Case.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("service")
                .filter(pk__in=[i.case_id for i in claimed])
            }
            result.skipped += len(chunk) - len(claimed)
            for instance in claimed:
                case = cases.get(instance.case_id)
                if case is None:
                    result.skipped += 1
                    continue
                driver = _Driver(case, instance)
                driver.act(driver.load, lambda run: run.fire_timers())
                if instance.status == ProcessInstance.Status.NEEDS_ATTENTION:
                    result.failed += 1
                else:
                    result.fired += 1
    return result


def process_retry(*, case: Case, actor: User | None) -> ProcessInstance:
    """Try again after an error: failed tasks run again (or the start, if it failed)."""
    with transaction.atomic():
        locked, instance = _lock(case)
        if instance.status != ProcessInstance.Status.NEEDS_ATTENTION:
            raise ValidationError("This case's process does not need attention.")
        driver = _Driver(locked, instance)
        if not instance.state:
            data = _routing_data(locked, {})
            driver.act(driver.new, lambda run: run.start(data))
        else:
            driver.act(driver.load, _retry)
        audit_record(
            actor=actor,
            action="change",
            object_type="process",
            object_id=str(instance.pk),
            detail={"case": locked.reference, "retry": True, "status": instance.status},
        )
    return instance


def _retry(run: engine.Run) -> None:
    if not run.retry():
        # Nothing in error (e.g. a timer failed to evaluate): fire timers and run on.
        run.fire_timers()


def process_cancel(*, case: Case, reason: str) -> None:
    """Stop a case's process (an officer closed the case by hand): its open work items are
    cancelled and its timers stop."""
    instance = ProcessInstance.objects.select_for_update().filter(case=case).first()
    if instance is None or instance.status in (
        ProcessInstance.Status.COMPLETED,
        ProcessInstance.Status.CANCELLED,
    ):
        return
    instance.status = ProcessInstance.Status.CANCELLED
    instance.next_timer_at = None
    instance.last_error = reason[:ERROR_MAX_LENGTH]
    instance.lock_version += 1
    instance.save(update_fields=["status", "next_timer_at", "last_error", "lock_version"])
    WorkItem.objects.filter(instance=instance, status=WorkItem.Status.OPEN).update(
        status=WorkItem.Status.CANCELLED, completed_at=timezone.now()
    )


def work_item_assign(*, work_item: WorkItem, officer: User | None, actor: User | None) -> WorkItem:
    """Give an open work item to an officer of its team (None: back to the team's queue)."""
    with transaction.atomic():
        item = _open_item(work_item)
        if (
            officer is not None
            and item.team_id is not None
            and not officer.teams.filter(pk=item.team_id).exists()
        ):
            raise ValidationError(f"{officer.full_name or officer.email} is not in that team.")
        item.assigned_to = officer
        item.save(update_fields=["assigned_to"])
        audit_record(
            actor=actor,
            action="change",
            object_type="work_item",
            object_id=str(item.pk),
            detail={"assigned_to": officer.pk if officer else None},
        )
    return item


# ----------------------------------------------------------------------------------------
# Requests a resident makes to their own case's process (e.g. a complaint's stage 2 review)


@dataclass(frozen=True)
class ResidentRequest:
    """Something a process waits for that the resident, not an officer, sends."""

    message: str
    heading: str
    label: str
    hint: str
    missing: str
    button: str
    confirmation: str


RESIDENT_REQUESTS = {
    request.message: request
    for request in [
        ResidentRequest(
            message="stage_2_requested",
            heading="Ask for a stage 2 review",
            label="Why are you not happy with our reply?",
            hint="A senior officer who was not involved will review your complaint.",
            missing="Tell us why you are not happy with our reply",
            button="Ask for a review",
            confirmation="We have received your request for a stage 2 review.",
        ),
    ]
}


def resident_requests_open(case: Case) -> list[ResidentRequest]:
    """What the resident may ask of the case's process now. Loads the process state of this
    one case (a request page, never a list)."""
    instance = (
        ProcessInstance.objects.filter(case=case, status=ProcessInstance.Status.RUNNING)
        .select_related("version")
        .defer(*VERSION_LIGHT)
        .first()
    )
    if instance is None:
        return []
    waiting = _Driver(case, instance).load().waiting_messages()
    return [request for name, request in RESIDENT_REQUESTS.items() if name in waiting]


def resident_request_make(
    *, case: Case, resident: User | None, message: str, text: str, idempotency_key: str = ""
) -> bool:
    """The resident sends a request the process waits for, with their reason on the
    timeline, in one transaction. Returns False when the process no longer waits for it (it
    was already sent, or the time to ask has passed): nothing changes then."""
    request = RESIDENT_REQUESTS.get(message)
    if request is None:
        raise ValidationError("That is not something you can ask for on this request.")
    if not text.strip():
        raise ValidationError(request.missing)
    with transaction.atomic():
        if not process_message_deliver(case=case, name=message, data={"asked_by_resident": True}):
            return False
        case_add_resident_comment(
            case=case,
            resident=resident,
            text=f"{request.heading}: {text.strip()}",
            idempotency_key=idempotency_key,
        )
    return True
