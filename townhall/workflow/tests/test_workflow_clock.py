"""The clock keeps one timer sweep queued per worker, never a growing backlog."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from townhall.workflow.tasks import process_timers_sweep_task

DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["workflow", "default"]}
}


@pytest.mark.django_db
def test_the_clock_queues_one_sweep_per_worker_and_no_more(settings):
    settings.TASKS = DB_TASKS
    sweeps = DBTaskResult.objects.filter(task_path=process_timers_sweep_task.module_path)

    call_command("workflow_clock", "--once", "--sweeps", "2", stdout=StringIO())
    assert sweeps.filter(status="READY").count() == 2

    call_command("workflow_clock", "--once", "--sweeps", "2", stdout=StringIO())
    assert sweeps.filter(status="READY").count() == 2  # still waiting: nothing added

    call_command("workflow_clock", "--once", stdout=StringIO())
    assert sweeps.filter(status="READY").count() == 2
