"""Queue the permits sweep (expiry, renewal reminders) for the worker every N seconds
(`make demo` runs it). A database outage is waited out (core/workers.py)."""

from threading import Event
from typing import Any

from django.core.management.base import BaseCommand

from townhall.core.workers import heartbeat_running, loop_run, stop_on_signals, worker_name_default
from townhall.permits.sweep import permits_sweep_task


class Command(BaseCommand):
    help = "Queue permits_sweep (expire ended permits, send renewal reminders once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--every", type=float, default=3600)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["every"] <= 0:
            self.stderr.write("--every must be more than 0 seconds.")
            raise SystemExit(2)
        what = "permits clock: database"
        if options["once"]:
            loop_run(permits_sweep_task.enqueue, what=what, every=0, stop=Event(), once=True)
            return
        stop = stop_on_signals()
        with heartbeat_running(kind="permits_clock", worker=worker_name_default("permits_clock")):
            loop_run(permits_sweep_task.enqueue, what=what, every=options["every"], stop=stop)
