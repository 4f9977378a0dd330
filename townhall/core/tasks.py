"""Queueing background tasks so they happen only when the change that caused them commits."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from redis.exceptions import RedisError

from townhall.core.backoff import backoff_seconds
from townhall.core.models import WorkerHeartbeat

log = logging.getLogger(__name__)


def task_enqueue_on_commit(task: Any, **kwargs: Any) -> None:
    """Queue `task` to run only if the current transaction commits.

    With the database task backend the task row is written inside the transaction itself: the
    worker sees it exactly when the change commits (the row is its own outbox entry), and it
    costs no second commit. Other backends (immediate in tests, a broker later) are queued
    after the commit, as before."""
    if connection.in_atomic_block and isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))


def task_enqueue_in_transaction(task: Any, **kwargs: Any) -> None:
    """Queue `task` as part of the current transaction, for work that completes the change
    itself rather than following it.

    The database backend writes the task row in the transaction (as above); the immediate
    backend (tests, no worker) runs the task here, so the work lands with the change. A
    broker cannot take part in the transaction, so it gets the task after the commit."""
    from django_tasks.backends.immediate import ImmediateBackend

    if isinstance(task.get_backend(), DatabaseBackend | ImmediateBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))


# Retries and reclaiming ----------------------------------------------------------------------
# django-tasks has no retries of its own; our worker (`manage.py task_worker`) adds them. A
# task failing on something transient (the database or a partner unreachable) is run again
# with backoff; a task whose effect was promised to a resident or partner declares that it is
# retried on any error. Either way it ends FAILED, with its error, after its last attempt: the
# integrations page lists those.

# What the worker treats as passing: the database, a socket or the cache going away.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    RedisError,
)

_retried_on_any_error: dict[str, int] = {}


def task_retries_declare(task: Any, *, attempts: int) -> None:
    """Declare that `task` is run again, with backoff, on any error, up to `attempts` runs
    in all: its effect was promised to someone (a case opened, a message sent)."""
    if attempts < 1:
        raise ValueError(f"A task is run at least once; {attempts} attempts makes no sense.")
    _retried_on_any_error[task.module_path] = attempts


def task_retry_plan(*, task_path: str, attempt: int, error_path: str) -> float | None:
    """After run number `attempt` of the task at `task_path` failed with the exception class
    at `error_path`: seconds to wait before running it again, or None to leave it failed."""
    try:
        error = import_string(error_path)
    except ImportError:
        error = None
    if isinstance(error, type) and issubclass(error, SystemExit | KeyboardInterrupt):
        return 0.0  # the worker was stopped mid-task (Ctrl-C twice): not the task's fault
    declared = _retried_on_any_error.get(task_path)
    if declared is not None:
        attempts = declared
    elif isinstance(error, type) and issubclass(error, TRANSIENT_ERRORS):
        attempts = settings.TASKS_MAX_ATTEMPTS
    else:
        return None  # a bug or a refusal: another run would fail the same way
    if attempt >= attempts:
        return None
    return backoff_seconds(
        base=settings.TASKS_RETRY_BASE_SECONDS,
        attempt=attempt,
        cap=settings.TASKS_RETRY_CAP_SECONDS,
    )


def task_reclaim_abandoned(*, now: datetime | None = None) -> int:
    """Put back to READY every task still RUNNING whose worker died (SIGKILL, lost machine):
    its worker's heartbeat is older than the lease, missing past the lease, or the worker has
    restarted since it claimed the task. Safe to run from several processes at once (rows are
    taken with SKIP LOCKED and changed only while still RUNNING). Returns how many."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.TASKS_LEASE_SECONDS)
    reclaimed = 0
    with transaction.atomic():
        running = list(
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(status=TaskResultStatus.RUNNING)
            .only("id", "worker_ids", "started_at")
        )
        if not running:
            return 0
        beats = {
            b.worker: b
            for b in WorkerHeartbeat.objects.filter(
                worker__in={r.worker_ids[-1] for r in running if r.worker_ids}
            )
        }
        for result in running:
            beat = beats.get(result.worker_ids[-1] if result.worker_ids else "")
            started = result.started_at or now
            if beat is None:
                abandoned = started < now - lease
            else:
                abandoned = beat.beat_at < now - lease or beat.started_at > started
            if not abandoned:
                continue
            reclaimed += DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.READY, run_after=now)
    if reclaimed:
        log.warning("%s task(s) of dead workers put back to run again", reclaimed)
    return reclaimed


@dataclass(frozen=True)
class Backlog:
    """How many wait, and since when (None when none wait)."""

    count: int
    oldest: datetime | None

    def oldest_seconds(self, now: datetime | None = None) -> float | None:
        if self.oldest is None:
            return None
        return round(((now or timezone.now()) - self.oldest).total_seconds(), 1)


def tasks_waiting() -> Backlog:
    """Tasks due to run and not yet claimed by a worker, and when the oldest was queued."""
    due = DBTaskResult.objects.ready()
    found = due.aggregate(count=Count("id"), oldest=Min("enqueued_at"))
    return Backlog(found["count"], found["oldest"])


def tasks_failed_recent(*, days: int = 7) -> Backlog:
    """Tasks that ended FAILED (after their last attempt) in the last `days`."""
    failed = DBTaskResult.objects.failed().filter(
        finished_at__gte=timezone.now() - timedelta(days=days)
    )
    found = failed.aggregate(count=Count("id"), oldest=Min("finished_at"))
    return Backlog(found["count"], found["oldest"])


def tasks_failed_latest(*, limit: int = 20) -> list[DBTaskResult]:
    """The latest tasks left FAILED after their last attempt, newest first."""
    return list(
        DBTaskResult.objects.failed()
        .order_by("-finished_at")
        .only(
            "id", "task_path", "finished_at", "exception_class_path", "args_kwargs", "worker_ids"
        )[:limit]
    )
