"""Queueing background tasks so they happen only when the change that caused them commits."""

from typing import Any

from django.db import connection, transaction
from django_tasks_db import DatabaseBackend


def task_enqueue_on_commit(task: Any, **kwargs: Any) -> None:
    """Queue `task` to run only if the current transaction commits.

    With the database task backend the task row is written inside the transaction itself: the
    worker sees it exactly when the change commits (the row is its own outbox entry), and it
    costs no second commit. Other backends (immediate in tests, a broker later) are queued
    after the commit, as before."""
    if connection.in_atomic_block and isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))


def task_enqueue_in_transaction(task: Any, **kwargs: Any) -> None:
    """Queue `task` as part of the current transaction, for work that completes the change
    itself rather than following it.

    The database backend writes the task row in the transaction (as above); the immediate
    backend (tests, no worker) runs the task here, so the work lands with the change. A
    broker cannot take part in the transaction, so it gets the task after the commit."""
    from django_tasks.backends.immediate import ImmediateBackend

    if isinstance(task.get_backend(), DatabaseBackend | ImmediateBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))
