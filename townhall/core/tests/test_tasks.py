import pytest
from django.db import transaction
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from townhall.core.tasks import task_enqueue_on_commit

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ran: list[int] = []


@task()
def remember(n: int) -> None:
    ran.append(n)


def test_database_backend_writes_the_task_in_the_same_transaction(settings):
    settings.TASKS = DB_TASKS
    with transaction.atomic():
        task_enqueue_on_commit(remember, n=1)
        assert DBTaskResult.objects.count() == 1  # written now, visible to others at commit
    assert DBTaskResult.objects.count() == 1


def test_database_backend_task_rolls_back_with_the_change(settings):
    settings.TASKS = DB_TASKS
    with pytest.raises(RuntimeError), transaction.atomic():
        task_enqueue_on_commit(remember, n=2)
        raise RuntimeError("the change failed")
    assert DBTaskResult.objects.count() == 0


def test_other_backends_run_only_after_commit():
    ran.clear()
    with transaction.atomic():
        task_enqueue_on_commit(remember, n=3)
        assert ran == []
    assert ran == [3]
    with pytest.raises(RuntimeError), transaction.atomic():
        task_enqueue_on_commit(remember, n=4)
        raise RuntimeError("the change failed")
    assert ran == [3]
