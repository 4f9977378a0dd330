"""Run the outbox delivery worker: `manage.py outbox_worker [--threads 32] [--until-idle]`."""

import os
import signal
import socket
from threading import Event
from typing import Any

from django.core.management.base import BaseCommand

from townhall.core.workers import heartbeat_running
from townhall.integrations.outbox.delivery import outbox_work


class Command(BaseCommand):
    help = "Deliver outbox messages to partners, with retries, until stopped (SIGTERM/Ctrl-C)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--threads", type=int, default=32, help="Sending threads.")
        parser.add_argument(
            "--until-idle", action="store_true", help="Stop when nothing is due or in flight."
        )
        parser.add_argument("--name", default="", help="Worker name (default host:pid).")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        worker = options["name"] or f"{socket.gethostname()}:{os.getpid()}"
        self.stdout.write(f"outbox worker {worker} started ({options['threads']} threads)")
        with heartbeat_running(kind="outbox", worker=worker):
            totals = outbox_work(
                worker=worker,
                threads=options["threads"],
                stop=stop,
                until_idle=options["until_idle"],
            )
        self.stdout.write(
            "outbox worker stopped: " + ", ".join(f"{key} {value}" for key, value in totals.items())
        )
