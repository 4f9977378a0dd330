"""Run background tasks: `manage.py task_worker`, django-tasks-db's `db_worker` made to last.

Same options as `db_worker`. What it adds:
- a dropped database connection (failover, restart, `pg_terminate_backend`) never ends it: the
  connection is closed, the worker backs off and reconnects, logging once per outage; a task
  whose result could not be stored meanwhile is put back to run again (tasks are safe to run
  twice);
- retries: a task failing on something transient, or declared as retried
  (`task_retries_declare`), is run again later with backoff, then left FAILED;
- a heartbeat every HEARTBEAT_SECONDS, read by `/readyz`, and by the sweep that gives the
  tasks of a dead worker (SIGKILL, lost machine) back to the living
  (`task_reclaim_abandoned`, run here every few seconds).
"""

import logging
import random
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from townhall.core.tasks import task_reclaim_abandoned, task_retry_plan
from townhall.core.workers import (
    DATABASE_DOWN_ERRORS,
    Outage,
    database_connections_close,
    heartbeat_running,
    worker_name_default,
)

log = logging.getLogger("townhall.workers")


class LastingWorker(Worker):
    """db_worker's Worker, with its loop riding out database outages and tasks retried."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current: DBTaskResult | None = None
        self.reclaimed_at = 0.0

    def run(self) -> None:
        log.info("task worker %s started (queues %s)", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 (no thundering herd of workers)
        outage = Outage(f"task worker {self.worker_id}: database")
        with heartbeat_running(kind="tasks", worker=self.worker_id):
            while self.running:
                try:
                    if self.current is not None:
                        self._give_back(self.current)
                    self._reclaim_now_and_then()
                    task_result = self._claim()
                    outage.ended()
                    if task_result is not None:
                        self.run_task(task_result)
                    elif self.batch:
                        return
                    if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                        return
                    close_old_connections()
                    if self.running and task_result is None:
                        time.sleep(self.interval)
                except DATABASE_DOWN_ERRORS as error:
                    database_connections_close()
                    time.sleep(outage.failed(error))
                except DatabaseError:
                    # The row changed under us (a task result pruned or reset meanwhile):
                    # not an outage, and no reason to stop serving the other tasks.
                    log.exception("task worker %s: database error; going on", self.worker_id)
                    database_connections_close()
                    time.sleep(self.interval or 0.1)

    def _claim(self) -> DBTaskResult | None:
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
        except DATABASE_DOWN_ERRORS as error:
            if isinstance(error, OperationalError) and is_locked_database_exception(
                error
            ):  # SQLite busy: try again next round
                return None
            raise
        return task_result

    def _reclaim_now_and_then(self) -> None:
        # Every live worker sweeps for the tasks of dead ones: no extra process to run.
        if time.monotonic() - self.reclaimed_at >= settings.TASKS_LEASE_SECONDS / 4:
            task_reclaim_abandoned()
            self.reclaimed_at = time.monotonic()

    def _give_back(self, task_result: DBTaskResult) -> None:
        """A task whose outcome could not be stored (the database went away under it) is
        put back to run again, if it is still ours and running."""
        given_back = DBTaskResult.objects.filter(
            pk=task_result.pk, status=TaskResultStatus.RUNNING, started_at=task_result.started_at
        ).update(status=TaskResultStatus.READY, run_after=timezone.now())
        if given_back:
            log.warning("task %s (%s) put back to run again", task_result.pk, task_result.task_path)
        self.current = None

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one claimed task; on failure, queue it again after a backoff or leave it FAILED.

        A database error while storing the outcome escapes to the loop, which puts the task
        back once the database answers again."""
        self.running_task = True
        self.current = db_task_result
        try:
            super().run_task(db_task_result)
            if db_task_result.status == TaskResultStatus.FAILED:
                self._retry_maybe(db_task_result)
            self.current = None
        finally:
            self.running_task = False

    def _retry_maybe(self, result: DBTaskResult) -> None:
        attempt = len(result.worker_ids)
        delay = task_retry_plan(
            task_path=result.task_path, attempt=attempt, error_path=result.exception_class_path
        )
        if delay is None:
            log.error(
                "task %s (%s) failed for good after %s run(s): %s",
                result.pk,
                result.task_path,
                attempt,
                result.exception_class_path,
            )
            return
        # Back to READY, keeping the last error visible until the next run replaces it.
        DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=timezone.now() + timedelta(seconds=delay)
        )
        log.warning(
            "task %s (%s) failed (run %s: %s); run again in %.1f s",
            result.pk, result.task_path, attempt, result.exception_class_path, delay,
        )  # fmt: skip


class Command(DbWorkerCommand):
    help = (
        "Run background tasks until stopped, riding out database outages, retrying failed "
        "tasks with backoff and reclaiming the tasks of dead workers."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        # A restarted worker is a new worker: its old claims are then seen as abandoned.
        parser.set_defaults(worker_id=None)

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = LastingWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=(options["worker_id"] or worker_name_default("tasks"))[:64],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
