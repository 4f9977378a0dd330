"""Queue the timer sweep for the worker every few seconds (django-tasks has no scheduler).

`make demo` starts this next to `db_worker`. The sweep itself runs in the worker and is safe
to run on several workers at once; this loop only decides when. A sweep still queued is not
queued twice, so a busy worker never builds a backlog."""

import time

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from townhall.workflow.tasks import process_timers_sweep_task


class Command(BaseCommand):
    help = "Queue the workflow timer sweep every --every seconds (Ctrl-C stops it)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=15.0)
        parser.add_argument("--once", action="store_true", help="Queue one sweep and stop.")

    def handle(self, *args, every: float, once: bool, **options):
        name = process_timers_sweep_task.module_path
        while True:
            waiting = DBTaskResult.objects.filter(task_path=name, status="READY").exists()
            if not waiting:
                process_timers_sweep_task.enqueue()
            if once:
                return
            time.sleep(every)
