"""Health check for one machine's (or container's) workers: `manage.py worker_check --kind
tasks` exits 0 when a worker of that kind on this host has beaten within --max-age seconds,
1 otherwise (with the reason on standard error). For compose and systemd, where a worker has
no HTTP port to probe; `/readyz` checks every kind across all hosts."""

import socket
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from townhall.core.models import WorkerHeartbeat


class Command(BaseCommand):
    help = "Exit 0 if a worker of --kind on this host has a recent heartbeat, else 1."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--kind", required=True, choices=[k.value for k in WorkerHeartbeat.Kind]
        )
        parser.add_argument(
            "--max-age",
            type=float,
            default=None,
            help="seconds (default READYZ_HEARTBEAT_MAX_AGE)",
        )
        parser.add_argument("--any-host", action="store_true", help="accept a worker on any host")

    def handle(self, *args: Any, kind: str, max_age: float | None, any_host: bool, **_: Any):
        max_age = settings.READYZ_HEARTBEAT_MAX_AGE if max_age is None else max_age
        if max_age <= 0:
            raise CommandError("--max-age must be more than 0 seconds.")
        beats = WorkerHeartbeat.objects.filter(kind=kind)
        if not any_host:
            beats = beats.filter(worker__contains=f"@{socket.gethostname()}:")
        try:
            last = beats.order_by("-beat_at").values_list("beat_at", flat=True).first()
        except DatabaseError as error:
            raise CommandError(f"The database does not answer: {error}") from error
        if last is None:
            raise CommandError(f"No {kind} worker has ever beaten here.")
        age = (timezone.now() - last).total_seconds()
        if timezone.now() - last > timedelta(seconds=max_age):
            raise CommandError(
                f"The last {kind} heartbeat here is {age:.0f} s old (> {max_age:g} s)."
            )
        self.stdout.write(f"{kind}: last heartbeat {age:.1f} s ago")
