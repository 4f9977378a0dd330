"""Going back over what was accepted but has not had its effect yet.

A door that accepts a request now and does the work in a task (Open311: the case is opened
by the worker) registers a reconciler here: how many accepted requests still wait for their
effect, and a sweep that does it for those waiting longer than RECONCILE_AFTER_SECONDS. The
workflow clock runs the sweeps every few minutes; `/readyz` and the integrations page show
the backlogs. Core cannot import the doors (imports point down), hence the registry."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from townhall.core.hooks import Registry
from townhall.core.models import WorkerHeartbeat
from townhall.core.tasks import Backlog, tasks_failed_recent, tasks_waiting


@dataclass(frozen=True)
class Reconciler:
    name: str  # a short key, used in /readyz's JSON
    title: str  # what waits, in words, for the integrations page
    waiting: Callable[[], Backlog]
    sweep: Callable[..., int]  # sweep(older_than=datetime) -> how many it completed


RECONCILERS: Registry[Reconciler] = Registry("reconcilers")


def reconciler_register(reconciler: Reconciler) -> None:
    """Register (or replace, by name) one door's reconciler."""
    RECONCILERS.register(reconciler, name=reconciler.name)


def reconcilers() -> list[Reconciler]:
    """The registered reconcilers, in the order the doors registered them."""
    return RECONCILERS.entries()


def reconcile_sweep() -> dict[str, int]:
    """Run every registered sweep over what has waited longer than RECONCILE_AFTER_SECONDS;
    return how many each completed."""
    older_than = timezone.now() - timedelta(seconds=settings.RECONCILE_AFTER_SECONDS)
    return {r.name: r.sweep(older_than=older_than) for r in reconcilers()}


@dataclass(frozen=True)
class BacklogRow:
    name: str
    title: str
    backlog: Backlog


def backlogs() -> list[BacklogRow]:
    """What waits for the background: tasks due, each door's accepted requests without their
    effect, and tasks failed for good lately (for the integrations page)."""
    rows = [
        BacklogRow(
            "tasks_waiting", gettext("Background tasks due, waiting for a worker"), tasks_waiting()
        )
    ]
    rows += [BacklogRow(r.name, gettext(r.title), r.waiting()) for r in reconcilers()]
    rows.append(
        BacklogRow(
            "tasks_failed",
            gettext("Background tasks failed after their last attempt, last 7 days"),
            tasks_failed_recent(),
        )
    )
    return rows


def heartbeats_recent() -> list[WorkerHeartbeat]:
    """Each worker seen in the last day, by kind, with its last heartbeat."""
    since = timezone.now() - timedelta(days=1)
    return list(WorkerHeartbeat.objects.filter(beat_at__gte=since).order_by("kind", "worker"))
