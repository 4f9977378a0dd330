"""Fault tests with real processes: nothing accepted is ever lost.

A web server (gunicorn), a task worker, the workflow clock and the outbox worker run as
subprocesses against the test database (PostgreSQL), with Redis (a redis-server of this
module's own, on a free port). (The payments clock only queues a task: it rides out outages
with the same loop as the workflow clock, townhall/core/workers.py.) Then: every database connection is cut
during a burst of Open311 reports; each kind of worker is SIGKILLed mid-task (and restarted,
as supervisord or systemd would); Redis is stopped during a burst. Each ends with every
acknowledged report opened as exactly one case, every partner job delivered once per key, and
the site serving throughout. Each prints the time from the fault to the last case opened.
"""

import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from django.db import connection, transaction
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from townhall.cases.models import Case
from townhall.core.tests.partners import free_port
from townhall.integrations.models import OutboxMessage, PartnerEndpoint
from townhall.integrations.outbox.services import outbox_enqueue
from townhall.open311.models import Open311Submission
from townhall.open311.tests.factories import BASE, good_report, make_open311_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real workers and outages need PostgreSQL"
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]
ROOT = Path(__file__).resolve().parents[3]
OPEN_TASK = "townhall.open311.tasks.open311_case_open"


@dataclass
class Stack:
    """The site's processes, each restartable by name (what a process manager does)."""

    env: dict[str, str]
    logs: Path
    web_url: str
    redis_port: int
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def commands(self) -> dict[str, list[str]]:
        manage = f"{sys.executable} {ROOT / 'manage.py'}"
        gunicorn = Path(sys.executable).parent / "gunicorn"
        bind = self.web_url.removeprefix("http://")
        lines = {
            "web": f"{gunicorn} config.wsgi:application --bind {bind} --workers 1 --threads 8",
            "worker": f"{manage} task_worker --queue-name=* --no-startup-delay --interval 0.2",
            "workflow_clock": f"{manage} workflow_clock --every 0.5 --reconcile-every 1",
            "outbox_worker": f"{manage} outbox_worker --threads 4",
            "redis": f"redis-server --port {self.redis_port} --save '' --appendonly no",
        }
        return {name: shlex.split(line) for name, line in lines.items()}

    def start(self, name: str) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(  # noqa: S603 (our own commands)
            self.commands()[name], env=self.env, cwd=ROOT, stdout=log, stderr=log
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        process.send_signal(sig)
        process.wait(timeout=20)

    def alive(self, name: str) -> bool:
        return self.processes[name].poll() is None

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for(condition: Callable[[], object], seconds: float = 40, what: str = "") -> float:
    """Poll until `condition` holds; return the time it took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting for {what or condition}")


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Stack]:
    with django_db_blocker.unblock():
        db = connection.settings_dict
    redis_port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TOWNHALL_TESTING": "1",  # static files from the finders, no per-process caches
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "REDIS_TIMEOUT_SECONDS": "0.3",
        "HEARTBEAT_SECONDS": "0.5",
        "READYZ_HEARTBEAT_MAX_AGE": "5",
        "READYZ_WORKER_KINDS": "tasks,outbox,workflow_clock",
        "TASKS_LEASE_SECONDS": "3",
        "TASKS_RETRY_BASE_SECONDS": "0.2",
        "TASKS_RETRY_CAP_SECONDS": "1",
        "RECONCILE_AFTER_SECONDS": "3",
        "OUTBOX_BACKOFF_BASE_SECONDS": "0.05",
        "OUTBOX_BACKOFF_CAP_SECONDS": "0.5",
        "OUTBOX_CLAIM_MARGIN_SECONDS": "0.5",
        "OPEN311_RATE_PER_KEY": "100000",
        "LOG_LEVEL": "WARNING",
    }
    stack = Stack(
        env, tmp_path_factory.mktemp("stack-logs"), f"http://127.0.0.1:{free_port()}", redis_port
    )
    for name in stack.commands():
        stack.start(name)
    try:
        # Generous: on a busy machine loading Django in four processes takes a while.
        _wait_for(lambda: _get(stack, "/readyz") == 200, seconds=120, what="every process")
        yield stack
    finally:
        stack.stop_all()


def _get(stack: Stack, path: str) -> int:
    try:
        return httpx.get(stack.web_url + path, timeout=5).status_code
    except httpx.HTTPError:
        return 0


@dataclass
class Burst:
    """Posts reports one after another from a thread; keeps what the site answered."""

    stack: Stack
    count: int
    tag: str
    answers: list[tuple[int, str]] = field(default_factory=list)
    posted: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(base_url=self.stack.web_url, timeout=10) as client:
            for i in range(self.count):
                report = good_report(description=f"{self.tag} report {i}: bags by the bus stop")
                try:
                    reply = client.post(BASE + "requests.json", data=report)
                    reference = reply.json()[0]["service_request_id"] if reply.is_success else ""
                    self.answers.append((reply.status_code, reference))
                except httpx.HTTPError as error:
                    self.answers.append((0, str(error)))
                time.sleep(0.05)
        self.posted.set()

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        return thread

    def acknowledged(self) -> list[str]:
        return [reference for status, reference in self.answers if status == 200]


def _all_opened_once(references: list[str]) -> bool:
    return Case.objects.filter(reference__in=references).count() == len(references)


def _assert_opened_exactly_once(references: list[str]) -> None:
    per_reference = Counter(
        dict(
            Case.objects.filter(reference__in=references)
            .values_list("reference")
            .annotate(n=Count("id"))
            .values_list("reference", "n")
        )
    )
    assert sorted(per_reference) == sorted(references)
    assert set(per_reference.values()) == {1}
    assert not Open311Submission.objects.filter(reference__in=references, case=None).exists()


def _report(name: str, **figures: object) -> None:
    print(f"\n[fault] {name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))  # noqa: T201 (the run's figures, read with -s)


def _terminate_every_other_connection() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def _partner(fake, name: str = "greenway") -> PartnerEndpoint:
    return PartnerEndpoint.objects.create(
        name=name,
        title=name,
        url=fake.url + "/jobs",
        secret="demo-contractor-secret",
        timeout_seconds=2,
        max_attempts=1000,
    )


def _jobs(partner: str, n: int) -> list[str]:
    return [
        outbox_enqueue(
            partner=partner,
            operation="job_create",
            payload={"job_id": f"{partner}-{i}", "reference": f"JOB-{i:05d}"},
            idempotency_key=f"{partner}-{i}",
            correlation=f"JOB-{i:05d}",
        ).idempotency_key
        for i in range(n)
    ]


def _jobs_sent_once(fake, keys: list[str]) -> None:
    delivered = OutboxMessage.objects.filter(idempotency_key__in=keys, status="delivered")
    assert delivered.count() == len(keys)
    stats = fake.stats()
    assert set(keys) <= set(stats["keys"])
    assert all(n == 1 for n in Counter(stats["references"]).values())  # one job per key


def _everything_alive(stack: Stack) -> None:
    dead = [name for name in stack.processes if not stack.alive(name)]
    assert not dead, f"exited: {dead}; log: {stack.log(dead[0])[-2000:]}"


def test_every_connection_cut_during_a_burst_loses_nothing(stack, fake_contractor):
    make_open311_world()
    _partner(fake_contractor)
    keys = _jobs("greenway", 20)
    burst = Burst(stack, count=60, tag="cut")
    poster = burst.start()
    _wait_for(lambda: len(burst.answers) >= 20, what="the first reports")
    before_cut = burst.acknowledged()
    terminated = _terminate_every_other_connection()
    cut = time.monotonic()
    _wait_for(lambda: _all_opened_once(before_cut), what="the cases accepted before the cut")
    recovered = time.monotonic() - cut
    poster.join(timeout=60)
    acknowledged = burst.acknowledged()
    after_cut = burst.answers[len(before_cut) :]
    _wait_for(lambda: _all_opened_once(acknowledged), what="every case")
    took = time.monotonic() - cut
    _wait_for(lambda: OutboxMessage.objects.filter(status="delivered").count() == len(keys))
    _assert_opened_exactly_once(acknowledged)
    _jobs_sent_once(fake_contractor, keys)
    _everything_alive(stack)  # no worker, clock or web server exited on the outage
    failed = [a for a in burst.answers if a[0] != 200]
    assert len(failed) <= 3, failed  # a request caught by the cut may fail; not the rest
    assert all(status == 200 for status, _ in after_cut[5:])
    assert _get(stack, "/") == 200
    _wait_for(lambda: _get(stack, "/readyz") == 200, seconds=10, what="/readyz")
    for name in ("worker", "outbox_worker", "workflow_clock"):
        assert stack.log(name).count("database: unavailable") <= 1  # once per outage
    _report(
        "every connection cut during a burst",
        connections_cut=terminated, acknowledged=len(acknowledged),
        failed_requests=len(failed), opened_once=len(acknowledged),
        seconds_cut_to_last_case_accepted_before_it_opened=round(recovered, 2),
        seconds_cut_to_last_case_opened=round(took, 2),
    )  # fmt: skip


class _RowLock:
    """Holds a submission's row lock from another connection, so the one opening its case
    blocks mid-task: a deterministic "mid-task" to kill a process in."""

    def __init__(self, submission_id: int) -> None:
        self.submission_id = submission_id
        self.locked = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        try:
            with transaction.atomic():
                Open311Submission.objects.select_for_update().get(pk=self.submission_id)
                self.locked.set()
                self.release.wait(60)
        finally:
            connection.close()

    def __enter__(self) -> "_RowLock":
        self.thread.start()
        assert self.locked.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(10)


def _someone_waits_for_the_row_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0]) > 0


def test_a_task_worker_killed_mid_task_its_case_is_still_opened_once(stack):
    make_open311_world()
    stack.kill("worker", signal.SIGTERM)
    burst = Burst(stack, count=10, tag="kill-worker")
    burst.run()
    acknowledged = burst.acknowledged()
    assert len(acknowledged) == 10
    doomed = Open311Submission.objects.get(reference=acknowledged[4])
    with _RowLock(doomed.pk):
        stack.start("worker")
        its_task = DBTaskResult.objects.filter(
            task_path=OPEN_TASK, args_kwargs__kwargs__submission_id=doomed.pk
        )
        _wait_for(
            lambda: (
                its_task.filter(status="RUNNING").exists() and _someone_waits_for_the_row_lock()
            ),
            what="the worker to block on the row",
        )
        running = its_task.get()
        stack.kill("worker")  # SIGKILL, mid-task
        killed = time.monotonic()
    assert running.status == "RUNNING"
    stack.start("worker")  # what supervisord does
    _wait_for(lambda: _all_opened_once(acknowledged), what="every case")
    took = time.monotonic() - killed
    _assert_opened_exactly_once(acknowledged)
    _wait_for(lambda: DBTaskResult.objects.get(pk=running.pk).status == "SUCCESSFUL")
    reclaimed = DBTaskResult.objects.get(pk=running.pk)
    assert len(reclaimed.worker_ids) == 2  # claimed by the dead worker, then by a live one
    _everything_alive(stack)
    _report(
        "task worker SIGKILLed mid-task",
        acknowledged=len(acknowledged), opened_once=len(acknowledged),
        seconds_kill_to_last_case_opened=round(took, 2),
    )  # fmt: skip


def test_the_clock_killed_mid_sweep_and_no_task_worker_the_sweep_still_opens_once(stack):
    make_open311_world()
    stack.kill("worker", signal.SIGTERM)  # the case-open tasks are not run
    burst = Burst(stack, count=5, tag="kill-clock")
    burst.run()
    acknowledged = burst.acknowledged()
    assert len(acknowledged) == 5
    doomed = Open311Submission.objects.get(reference=acknowledged[0])
    with _RowLock(doomed.pk):
        _wait_for(_someone_waits_for_the_row_lock, what="the clock's sweep to block on the row")
        stack.kill("workflow_clock")  # SIGKILL, mid-sweep
        killed = time.monotonic()
    stack.start("workflow_clock")
    _wait_for(lambda: _all_opened_once(acknowledged), what="every case, opened by the sweep")
    took = time.monotonic() - killed
    _assert_opened_exactly_once(acknowledged)
    assert DBTaskResult.objects.filter(task_path=OPEN_TASK, status="READY").count() == 5
    stack.start("worker")
    _wait_for(lambda: not DBTaskResult.objects.filter(task_path=OPEN_TASK, status="READY").exists())
    _assert_opened_exactly_once(acknowledged)  # the late tasks found their cases open
    _everything_alive(stack)
    _report(
        "workflow clock SIGKILLed mid-sweep, task workers down",
        acknowledged=len(acknowledged), opened_once=len(acknowledged),
        seconds_kill_to_last_case_opened=round(took, 2),
    )  # fmt: skip


def test_the_outbox_worker_killed_mid_delivery_every_job_is_sent_once(stack, fake_contractor):
    _partner(fake_contractor)
    fake_contractor.control(mode="slow", delay=1.0)
    keys = _jobs("greenway", 6)
    _wait_for(lambda: OutboxMessage.objects.filter(status="sending").exists(), what="a send")
    time.sleep(0.3)  # on the wire
    stack.kill("outbox_worker")
    killed = time.monotonic()
    fake_contractor.control(mode="ok")
    stack.start("outbox_worker")
    _wait_for(lambda: OutboxMessage.objects.filter(status="delivered").count() == len(keys))
    took = time.monotonic() - killed
    _jobs_sent_once(fake_contractor, keys)
    _everything_alive(stack)
    _report(
        "outbox worker SIGKILLed mid-delivery", jobs=len(keys),
        redelivered_attempts_deduplicated_by_key=fake_contractor.stats()["duplicates"],
        seconds_kill_to_last_job_delivered=round(took, 2),
    )  # fmt: skip


def test_redis_stopped_during_a_burst_pages_are_served_and_nothing_is_lost(stack):
    make_open311_world()
    _wait_for(lambda: _get(stack, "/readyz") == 200, seconds=10, what="/readyz before")
    burst = Burst(stack, count=30, tag="redis")
    poster = burst.start()
    _wait_for(lambda: len(burst.answers) >= 10, what="the first reports")
    stack.kill("redis")
    stopped = time.monotonic()
    pages = [_get(stack, path) for path in ("/", "/services/", "/open311/v2/services.json")]
    readiness = httpx.get(stack.web_url + "/readyz", timeout=5)
    poster.join(timeout=60)
    acknowledged = burst.acknowledged()
    _wait_for(lambda: _all_opened_once(acknowledged), what="every case")
    took = time.monotonic() - stopped
    _assert_opened_exactly_once(acknowledged)
    assert pages == [200, 200, 200]
    assert readiness.status_code == 503 and readiness.json()["cache"] == "unavailable"
    assert len(acknowledged) == 30, [a for a in burst.answers if a[0] != 200]
    assert all(stack.alive(name) for name in stack.processes if name != "redis")
    stack.start("redis")
    _wait_for(lambda: _get(stack, "/readyz") == 200, seconds=15, what="/readyz after")
    _report(
        "Redis stopped during a burst", acknowledged=len(acknowledged),
        opened_once=len(acknowledged), pages_while_down=pages,
        seconds_stop_to_last_case_opened=round(took, 2),
    )  # fmt: skip
