from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from townhall.core.models import WorkerHeartbeat
from townhall.core.reconcile import reconcilers
from townhall.core.tasks import tasks_waiting


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers; touches no database (also the benchmarks' baseline)."""
    return HttpResponse("ok", content_type="text/plain")


def _cache_problem() -> str:
    reachable = getattr(cache, "reachable", None)
    if reachable is not None:  # Redis: a PING, past the outage cool-off
        return "" if reachable() else "the cache (Redis) does not answer"
    try:
        cache.set("readyz", 1, 5)
        return "" if cache.get("readyz") == 1 else "the cache does not keep what it is given"
    except Exception as error:  # noqa: BLE001 (any cache failure is what is reported)
        return f"the cache failed: {error}"


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers, compose and operators: the database answers, the cache
    answers, and each kind of worker (READYZ_WORKER_KINDS) has beaten within
    READYZ_HEARTBEAT_MAX_AGE seconds. 200 when all hold, else 503; the JSON body says what is
    wrong, and how much accepted work waits (reported, never a reason for 503)."""
    problems: list[str] = []
    body: dict[str, Any] = {}
    now = timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except DatabaseError as error:
        body["database"] = "unavailable"
        problems.append(f"the database does not answer: {error}".strip())
        connection.close()
    cache_problem = _cache_problem()
    body["cache"] = "unavailable" if cache_problem else "ok"
    if cache_problem:
        problems.append(cache_problem)
    if body["database"] == "ok":
        max_age = timedelta(seconds=settings.READYZ_HEARTBEAT_MAX_AGE)
        beats = dict(
            WorkerHeartbeat.objects.values("kind")
            .annotate(last=Max("beat_at"))
            .values_list("kind", "last")
        )
        workers: dict[str, Any] = {}
        for kind in settings.READYZ_WORKER_KINDS:
            last = beats.get(kind)
            age = None if last is None else round((now - last).total_seconds(), 1)
            fresh = last is not None and now - last <= max_age
            workers[kind] = {"ok": fresh, "last_heartbeat_seconds_ago": age}
            if not fresh:
                problems.append(
                    f"no {kind} worker has a heartbeat in the last "
                    f"{settings.READYZ_HEARTBEAT_MAX_AGE:g} s"
                    + (" (none ever)" if last is None else f" (last {age:g} s ago)")
                )
        body["workers"] = workers
        waiting = tasks_waiting()
        backlog = {
            "tasks_waiting": {"count": waiting.count, "oldest_seconds": waiting.oldest_seconds(now)}
        }
        for reconciler in reconcilers():
            found = reconciler.waiting()
            backlog[reconciler.name] = {
                "count": found.count,
                "oldest_seconds": found.oldest_seconds(now),
            }
        body["backlog"] = backlog
    body["status"] = "unavailable" if problems else "ok"
    body["problems"] = problems
    return JsonResponse(body, status=503 if problems else 200)
