"""Queue the payments sweep for the worker every N seconds (`make demo` runs it). A database
outage is waited out (core/workers.py), never a reason to stop."""

from threading import Event
from typing import Any

from django.core.management.base import BaseCommand

from townhall.core.workers import heartbeat_running, loop_run, stop_on_signals, worker_name_default
from townhall.payments.tasks import payments_sweep_task


class Command(BaseCommand):
    help = "Queue payments_sweep (check open payments with Pay, release unpaid bookings)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--every", type=float, default=60)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["every"] <= 0:
            self.stderr.write("--every must be more than 0 seconds.")
            raise SystemExit(2)
        what = "payments clock: database"
        if options["once"]:
            loop_run(payments_sweep_task.enqueue, what=what, every=0, stop=Event(), once=True)
            return
        stop = stop_on_signals()
        with heartbeat_running(kind="payments_clock", worker=worker_name_default("payments_clock")):
            loop_run(payments_sweep_task.enqueue, what=what, every=options["every"], stop=stop)
