"""Queue the timer sweep for the worker every few seconds (django-tasks has no scheduler).

`make demo` starts this next to `db_worker`. The sweep itself runs in the worker and is safe
to run on several workers at once (rows are claimed with SKIP LOCKED), so with --sweeps 2
two workers share a large backlog of due timers; this loop only decides when. Sweeps still
queued are not queued again, so busy workers never build a backlog."""

import time

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from townhall.workflow.tasks import process_timers_sweep_task


class Command(BaseCommand):
    help = "Queue the workflow timer sweep every --every seconds (Ctrl-C stops it)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=15.0)
        parser.add_argument("--once", action="store_true", help="Queue the sweeps and stop.")
        parser.add_argument(
            "--sweeps", type=int, default=1, help="sweeps to keep queued (one per worker)"
        )

    def handle(self, *args, every: float, once: bool, sweeps: int, **options):
        name = process_timers_sweep_task.module_path
        while True:
            waiting = DBTaskResult.objects.filter(task_path=name, status="READY").count()
            for _ in range(max(sweeps, 1) - waiting):
                process_timers_sweep_task.enqueue()
            if once:
                return
            time.sleep(every)
