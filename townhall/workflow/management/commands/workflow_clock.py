"""Queue the timer sweep for the worker every few seconds (django-tasks has no scheduler), and
go back over what was accepted but never completed every few minutes.

`make demo` starts this next to the task workers. The sweep itself runs in the worker and is
safe to run on several workers at once (rows are claimed with SKIP LOCKED), so with --sweeps 2
two workers share a large backlog of due timers; this loop only decides when. Sweeps still
queued are not queued again, so busy workers never build a backlog.

Every --reconcile-every seconds it also runs the reconciliation sweeps (core/reconcile.py:
accepted Open311 requests whose case was never opened) and gives the tasks of dead workers
back (`task_reclaim_abandoned`; the task workers do too). A database outage is waited out
(core/workers.py), never a reason to stop."""

import logging
import time
from threading import Event

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from townhall.core.reconcile import reconcile_sweep
from townhall.core.tasks import task_reclaim_abandoned
from townhall.core.workers import (
    heartbeat_running,
    heartbeats_prune,
    loop_run,
    stop_on_signals,
    worker_name_default,
)
from townhall.workflow.tasks import process_timers_sweep_task

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Queue the workflow timer sweep every --every seconds (Ctrl-C stops it)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=15.0)
        parser.add_argument("--once", action="store_true", help="Queue the sweeps and stop.")
        parser.add_argument(
            "--sweeps", type=int, default=1, help="sweeps to keep queued (one per worker)"
        )
        parser.add_argument(
            "--reconcile-every",
            type=float,
            default=120.0,
            help="seconds between reconciliation sweeps (accepted requests never opened)",
        )

    def handle(self, *args, every: float, once: bool, sweeps: int, reconcile_every: float, **_):
        if every <= 0 or reconcile_every <= 0:
            self.stderr.write("--every and --reconcile-every must be more than 0 seconds.")
            raise SystemExit(2)
        name = process_timers_sweep_task.module_path
        last_reconcile = [0.0]

        def tick() -> None:
            waiting = DBTaskResult.objects.filter(task_path=name, status="READY").count()
            for _ in range(max(sweeps, 1) - waiting):
                process_timers_sweep_task.enqueue()
            if once or time.monotonic() - last_reconcile[0] >= reconcile_every:
                task_reclaim_abandoned()
                heartbeats_prune()
                done = reconcile_sweep()
                if any(done.values()):
                    log.warning("reconciliation: %s", done)
                last_reconcile[0] = time.monotonic()

        if once:
            loop_run(tick, what="workflow clock: database", every=every, stop=Event(), once=True)
            return
        stop = stop_on_signals()
        worker = worker_name_default("workflow_clock")
        with heartbeat_running(kind="workflow_clock", worker=worker):
            loop_run(tick, what="workflow clock: database", every=every, stop=stop)
