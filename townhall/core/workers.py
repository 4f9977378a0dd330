"""What every long-running process (task worker, outbox worker, clocks) shares: riding out a
database outage, and telling the others it is alive.

A failover, a restart or `pg_terminate_backend` drops every connection at once. A process
that let the error escape would exit, and whatever it was doing (opening a resident's case,
sending a partner's job) would wait for a human. So a loop closes the broken connection,
backs off (capped, exponential: a database coming back is not hammered by every process at
the same instant), reconnects on its next query and goes on; it logs once when the outage
starts and once when it ends, not once per try.
"""

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.utils import timezone

from townhall.core.backoff import backoff_seconds
from townhall.core.models import WorkerHeartbeat

log = logging.getLogger("townhall.workers")

# What a dropped, refused or restarted database raises (psycopg's errors arrive wrapped as
# these); anything else is a bug and still escapes.
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)


def worker_name_default(kind: str) -> str:
    """host:pid, unique among live processes; a restarted process gets a new name."""
    return f"{kind}@{socket.gethostname()}:{os.getpid()}"


def database_connections_close() -> None:
    """Drop this thread's connections, broken or not: the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        # Closing a dead socket can fail too; the handle is dropped either way.
        with suppress(*DATABASE_DOWN_ERRORS):
            connection.close()


class Outage:
    """One outage of something a loop depends on: a capped exponential backoff, and one log
    line when it starts and one when it ends."""

    def __init__(self, what: str, *, base: float = 0.25, cap: float = 30.0) -> None:
        self.what = what
        self.base = base
        self.cap = cap
        self.failures = 0
        self.started: datetime | None = None

    def failed(self, error: BaseException) -> float:
        """Note one failure; return how long to wait before trying again."""
        self.failures += 1
        if self.started is None:
            self.started = timezone.now()
            log.warning("%s: unavailable (%s); retrying with backoff", self.what, error)
        return backoff_seconds(base=self.base, attempt=self.failures, cap=self.cap)

    def ended(self) -> None:
        """Note a success: logs the end of an outage, if there was one."""
        if self.started is not None:
            seconds = (timezone.now() - self.started).total_seconds()
            log.warning(
                "%s: back after %.1f s (%d failed tries)", self.what, seconds, self.failures
            )
        self.failures = 0
        self.started = None


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM (supervisord, systemd, docker stop) or SIGINT (Ctrl-C)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def loop_run(
    step: Callable[[], object],
    *,
    what: str,
    every: float,
    stop: threading.Event,
    once: bool = False,
) -> None:
    """Call `step` every `every` seconds until `stop` is set, riding out database outages.

    With `once`, one successful step and return; a database outage then raises, so a
    one-off run from cron fails visibly instead of waiting for ever."""
    outage = Outage(what)
    while not stop.is_set():
        try:
            step()
        except DATABASE_DOWN_ERRORS as error:
            database_connections_close()
            if once:
                raise
            stop.wait(outage.failed(error))
            continue
        outage.ended()
        if once:
            return
        stop.wait(every)


def heartbeat_beat(*, kind: str, worker: str, started_at: datetime) -> None:
    """Record that `worker` (of `kind`) is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        worker=worker[:100],
        defaults={"kind": kind, "started_at": started_at, "beat_at": timezone.now()},
    )


def heartbeats_prune(*, older_than: timedelta = timedelta(days=2)) -> int:
    """Forget workers silent for `older_than` (every restart is a new worker name, so the
    table would otherwise grow with each deploy); returns how many were forgotten."""
    deleted, _ = WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - older_than).delete()
    return deleted


def _heartbeat_loop(kind: str, worker: str, started_at: datetime, stop: threading.Event) -> None:
    outage = Outage(f"{kind} {worker} heartbeat")
    while not stop.wait(settings.HEARTBEAT_SECONDS):
        try:
            heartbeat_beat(kind=kind, worker=worker, started_at=started_at)
        except DATABASE_DOWN_ERRORS as error:
            outage.failed(error)  # the beat itself is the retry, every HEARTBEAT_SECONDS
        else:
            outage.ended()
        finally:
            # One short connection per beat: a connection kept for minutes is one more to
            # find broken after an outage, for no gain at this rate.
            database_connections_close()


@contextmanager
def heartbeat_running(*, kind: str, worker: str) -> Iterator[datetime]:
    """Beat for `worker` every HEARTBEAT_SECONDS from a thread, while the block runs.

    The first beat is written before the block starts (waiting out an outage if need be),
    so no task this worker claims is ever seen without its worker's beat."""
    started_at = timezone.now()
    outage = Outage(f"{kind} {worker} heartbeat")
    while True:
        try:
            heartbeat_beat(kind=kind, worker=worker, started_at=started_at)
            break
        except DATABASE_DOWN_ERRORS as error:
            database_connections_close()
            threading.Event().wait(outage.failed(error))
    outage.ended()
    stop = threading.Event()
    thread = threading.Thread(
        target=_heartbeat_loop,
        args=(kind, worker, started_at, stop),
        name=f"heartbeat-{kind}",
        daemon=True,  # never keeps a stopping process alive
    )
    thread.start()
    try:
        yield started_at
    finally:
        stop.set()
