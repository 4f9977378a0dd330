"""Long-running processes ride out database outages, retry failed tasks, give back the tasks of
dead workers; /readyz says what is wrong. (The same with real processes and a real outage:
townhall/open311/tests/test_faults_workers.py, on PostgreSQL.)"""

import logging
import threading
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from townhall.core.management.commands.task_worker import LastingWorker
from townhall.core.models import WorkerHeartbeat
from townhall.core.tasks import (
    task_reclaim_abandoned,
    task_retries_declare,
    task_retry_plan,
    tasks_waiting,
)
from townhall.core.workers import (
    Outage,
    heartbeat_beat,
    heartbeat_running,
    heartbeats_prune,
    loop_run,
)

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
runs: list[str] = []


@task()
def flaky(fail_times: int, error: str = "operational") -> str:
    """Fails its first `fail_times` runs with a dropped-connection error (or a bug)."""
    runs.append("run")
    if len(runs) <= fail_times:
        if error == "operational":
            raise OperationalError("server closed the connection unexpectedly")
        raise KeyError("a bug: another run would fail the same way")
    return "done"


@task()
def promised(fail_times: int) -> str:
    runs.append("run")
    if len(runs) <= fail_times:
        raise RuntimeError("the partner refused, for now")
    return "done"


task_retries_declare(promised, attempts=3)


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS
    settings.TASKS_RETRY_BASE_SECONDS = 0.001
    settings.TASKS_RETRY_CAP_SECONDS = 0.002
    settings.HEARTBEAT_SECONDS = 60
    runs.clear()


def _worker(worker_id: str = "test-worker") -> LastingWorker:
    return LastingWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def _drain(worker_id: str = "test-worker", rounds: int = 20) -> None:
    """Run batches until nothing is READY (retries are queued a few ms ahead)."""
    for _ in range(rounds):
        _worker(worker_id).run()
        if not DBTaskResult.objects.filter(status="READY").exists():
            return
        threading.Event().wait(0.01)


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(caplog):
    outage = Outage("test: database", base=1, cap=8)
    with caplog.at_level(logging.WARNING, logger="townhall.workers"):
        delays = [outage.failed(OperationalError("gone")) for _ in range(8)]
        outage.ended()
        outage.ended()
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith("test: database: unavailable (gone)")
    assert messages[1].startswith("test: database: back after")
    assert all(0.5 <= d <= 8 for d in delays) and max(delays) > 3  # grows, capped at 8 s
    assert delays[-1] >= 4  # the cap (between half and all of it)


def test_a_loop_rides_out_a_dropped_connection_and_goes_on():
    calls: list[int] = []
    stop = threading.Event()

    def step() -> None:
        calls.append(1)
        if len(calls) <= 2:
            raise OperationalError("terminating connection due to administrator command")
        if len(calls) == 4:
            stop.set()

    loop_run(step, what="test loop", every=0, stop=stop)
    assert len(calls) == 4


def test_a_loop_run_once_fails_visibly_on_an_outage():
    def step() -> None:
        raise OperationalError("connection refused")

    with pytest.raises(OperationalError):
        loop_run(step, what="test loop", every=0, stop=threading.Event(), once=True)


def test_a_bug_in_a_loop_still_escapes():
    def step() -> None:
        raise KeyError("not a database outage")

    with pytest.raises(KeyError):
        loop_run(step, what="test loop", every=0, stop=threading.Event())


def test_a_task_failing_on_a_dropped_connection_is_run_again_and_succeeds(db_tasks):
    flaky.enqueue(fail_times=2)
    _drain()
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL" and result.return_value == "done"
    assert len(runs) == 3 and len(result.worker_ids) == 3


def test_a_task_failing_on_a_bug_is_failed_at_once_with_its_error(db_tasks):
    flaky.enqueue(fail_times=5, error="bug")
    _drain()
    result = DBTaskResult.objects.get()
    assert result.status == "FAILED" and result.exception_class_path == "builtins.KeyError"
    assert len(runs) == 1


def test_a_promised_task_is_retried_on_any_error_then_left_failed(db_tasks):
    promised.enqueue(fail_times=10)
    _drain()
    result = DBTaskResult.objects.get()
    assert result.status == "FAILED" and "the partner refused" in result.traceback
    assert len(runs) == 3  # its declared attempts
    runs.clear()
    promised.enqueue(fail_times=1)
    _drain()
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1


def test_retry_plans():
    path = "townhall.core.tests.test_workers.flaky"
    transient = "django.db.utils.OperationalError"
    assert task_retry_plan(task_path=path, attempt=1, error_path=transient) is not None
    assert task_retry_plan(task_path=path, attempt=1, error_path="builtins.KeyError") is None
    assert task_retry_plan(task_path=path, attempt=10, error_path=transient) is None
    assert task_retry_plan(task_path=path, attempt=1, error_path="no.such.Error") is None
    assert task_retry_plan(task_path=path, attempt=1, error_path="builtins.SystemExit") == 0
    with pytest.raises(ValueError, match="at least once"):
        task_retries_declare(flaky, attempts=0)


def test_a_task_whose_result_could_not_be_stored_is_run_again(db_tasks, monkeypatch):
    flaky.enqueue(fail_times=0)
    original = DBTaskResult.set_successful
    failures = []

    def set_successful(self, value):  # the database goes away just as the task ends
        if not failures:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return original(self, value)

    monkeypatch.setattr(DBTaskResult, "set_successful", set_successful)
    monkeypatch.setattr("townhall.core.workers.Outage.failed", lambda self, error: 0.0)
    _drain()
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL" and len(runs) == 2


def test_a_task_row_gone_under_the_worker_does_not_stop_it(db_tasks, monkeypatch):
    flaky.enqueue(fail_times=0)
    original = DBTaskResult.set_successful

    def set_successful(self, value):  # pruned (or the database reset) while it ran
        DBTaskResult.objects.filter(pk=self.pk).delete()
        return original(self, value)

    monkeypatch.setattr(DBTaskResult, "set_successful", set_successful)
    _drain()
    monkeypatch.setattr(DBTaskResult, "set_successful", original)
    flaky.enqueue(fail_times=0)
    _drain()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL" and len(runs) == 2


def test_the_tasks_of_a_dead_worker_are_given_back_and_a_live_ones_kept(settings):
    settings.TASKS_LEASE_SECONDS = 60
    now = timezone.now()
    long_ago = now - timedelta(minutes=5)

    def running(worker: str, started) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status="RUNNING",
            args_kwargs={"args": [], "kwargs": {"fail_times": 0}},
            task_path="townhall.core.tests.test_workers.flaky",
            backend_name="default",
            run_after=now,
            started_at=started,
            worker_ids=[worker],
        )

    for name, beat, started in [
        ("alive", now, long_ago),
        ("silent", now - timedelta(minutes=2), long_ago),  # SIGKILLed two minutes ago
        ("restarted", now, now - timedelta(minutes=1)),  # same name, new process
    ]:
        WorkerHeartbeat.objects.create(worker=name, kind="tasks", beat_at=beat, started_at=started)
    alive = running("alive", now - timedelta(minutes=4))
    silent = running("silent", now - timedelta(minutes=4))
    restarted = running("restarted", now - timedelta(minutes=4))  # before its restart
    unknown_old = running("never-beat", long_ago)
    unknown_new = running("never-beat-yet", now - timedelta(seconds=5))

    assert task_reclaim_abandoned(now=now) == 3
    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status[alive.pk] == "RUNNING" and status[unknown_new.pk] == "RUNNING"
    assert {status[silent.pk], status[restarted.pk], status[unknown_old.pk]} == {"READY"}
    assert task_reclaim_abandoned(now=now) == 0  # idempotent
    assert tasks_waiting().count == 3


def test_a_heartbeat_is_written_before_the_work_starts(settings):
    settings.HEARTBEAT_SECONDS = 60
    with heartbeat_running(kind="outbox", worker="outbox@here:1") as started:
        beat = WorkerHeartbeat.objects.get()
        assert (beat.kind, beat.worker, beat.started_at) == ("outbox", "outbox@here:1", started)
    heartbeat_beat(kind="outbox", worker="outbox@here:1", started_at=started)
    assert WorkerHeartbeat.objects.count() == 1


def test_workers_silent_for_days_are_forgotten():
    _beat_all(age_seconds=3 * 24 * 3600)
    WorkerHeartbeat.objects.filter(kind="tasks").update(beat_at=timezone.now())
    assert heartbeats_prune() == 3
    assert list(WorkerHeartbeat.objects.values_list("kind", flat=True)) == ["tasks"]


def test_worker_check_passes_on_a_recent_beat_of_this_host_only():
    import socket
    from io import StringIO

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No tasks worker has ever beaten here"):
        call_command("worker_check", "--kind", "tasks")
    heartbeat_beat(kind="tasks", worker="tasks@elsewhere:1", started_at=timezone.now())
    with pytest.raises(CommandError, match="ever beaten here"):
        call_command("worker_check", "--kind", "tasks")
    call_command("worker_check", "--kind", "tasks", "--any-host", stdout=StringIO())
    here = f"tasks@{socket.gethostname()}:7"
    heartbeat_beat(kind="tasks", worker=here, started_at=timezone.now())
    out = StringIO()
    call_command("worker_check", "--kind", "tasks", stdout=out)
    assert out.getvalue().startswith("tasks: last heartbeat")
    WorkerHeartbeat.objects.filter(worker=here).update(
        beat_at=timezone.now() - timedelta(minutes=5)
    )
    with pytest.raises(CommandError, match=r"is 300 s old \(> 60 s\)"):
        call_command("worker_check", "--kind", "tasks", "--max-age", "60")
    with pytest.raises(CommandError, match="more than 0"):
        call_command("worker_check", "--kind", "tasks", "--max-age", "0")


def _beat_all(age_seconds: float = 0) -> None:
    at = timezone.now() - timedelta(seconds=age_seconds)
    for kind in WorkerHeartbeat.Kind:
        WorkerHeartbeat.objects.update_or_create(
            worker=f"{kind.value}@host:1",
            defaults={"kind": kind.value, "beat_at": at, "started_at": at},
        )


def test_readyz_is_ok_with_database_cache_and_every_worker_beating(client):
    _beat_all()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["database"], body["cache"], body["problems"]) == (
        "ok",
        "ok",
        "ok",
        [],
    )
    assert set(body["workers"]) == {"tasks", "outbox", "workflow_clock", "payments_clock"}
    assert body["backlog"]["tasks_waiting"] == {"count": 0, "oldest_seconds": None}
    assert body["backlog"]["open311_unopened"]["count"] == 0


def test_readyz_names_each_worker_kind_that_is_silent(client):
    _beat_all(age_seconds=300)
    WorkerHeartbeat.objects.filter(kind="tasks").update(beat_at=timezone.now())
    WorkerHeartbeat.objects.filter(kind="payments_clock").delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    problems = response.json()["problems"]
    assert any("no outbox worker" in p and "(last 300" in p for p in problems)
    assert any("no payments_clock worker" in p and "(none ever)" in p for p in problems)
    assert not any("tasks" in p for p in problems)


def test_readyz_says_the_database_is_down(client, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OperationalError("could not connect to server: Connection refused")

        def close(self) -> None:
            pass

    monkeypatch.setattr("townhall.core.views.connection", DownConnection())
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "unavailable" and body["status"] == "unavailable"
    assert body["problems"][0].startswith("the database does not answer: could not connect")
    assert "workers" not in body  # not guessed without the database


def test_healthz_stays_cheap(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").content == b"ok"
