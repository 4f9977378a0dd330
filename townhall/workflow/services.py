"""Every write to a case's process: starting it, completing work items, delivering partner
replies, firing timers, retrying after an error, cancelling, and residents' requests.

Each change runs in one transaction with the case row locked (then its process row), and
hands the case to a `ProcessDriver` (`driver`), which loads the engine state, acts, and
stores the state, the next timer time and the work items back. Publishing process versions
is in `publishing`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.cases.services import case_add_resident_comment
from townhall.core.audit import audit_record
from townhall.workflow import engine
from townhall.workflow.driver import ERROR_MAX_LENGTH, VERSION_LIGHT, ProcessDriver, routing_data
from townhall.workflow.models import ProcessInstance, ProcessVersion, WorkItem

SWEEP_CHUNK = 100

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise


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
            # Not saved yet: the driver stores it once, with the state of its first steps,
            # as one INSERT rather than an INSERT then an UPDATE (a query fewer a new case).
            instance = ProcessInstance(case=case, version=version)
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
        driver = ProcessDriver(locked, instance, quiet=quiet, fresh=just_created)
        data = routing_data(locked, answers or {})
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
        driver = ProcessDriver(case, instance)
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
        driver = ProcessDriver(locked, instance)
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
                driver = ProcessDriver(case, instance)
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
        driver = ProcessDriver(locked, instance)
        if not instance.state:
            data = routing_data(locked, {})
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

    # Shown to the resident in the page's language: translated when read.
    message: str
    heading: "StrPromise"
    label: "StrPromise"
    hint: "StrPromise"
    missing: "StrPromise"
    button: "StrPromise"
    confirmation: "StrPromise"


RESIDENT_REQUESTS = {
    request.message: request
    for request in [
        ResidentRequest(
            message="stage_2_requested",
            heading=_("Ask for a stage 2 review"),
            label=_("Why are you not happy with our reply?"),
            hint=_("A senior officer who was not involved will review your complaint."),
            missing=_("Tell us why you are not happy with our reply"),
            button=_("Ask for a review"),
            confirmation=_("We have received your request for a stage 2 review."),
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
    waiting = ProcessDriver(case, instance).load().waiting_messages()
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
