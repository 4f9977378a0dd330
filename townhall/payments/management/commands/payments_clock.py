"""Queue the payments sweep for the worker every N seconds (`make demo` runs it)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from townhall.payments.tasks import payments_sweep_task


class Command(BaseCommand):
    help = "Queue payments_sweep (check open payments with Pay, release unpaid bookings)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--every", type=float, default=60)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            payments_sweep_task.enqueue()
            if options["once"]:
                return
            time.sleep(options["every"])
