"""CPU and queries per write, in process (issue 18 point 4): an Open311 POST, a case opened
by the worker from an accepted request. Wall-clock throughput on a shared machine is noise;
CPU seconds (time.process_time) and round trips are what a change saves.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/townhall_writes \\
    REDIS_URL=redis://127.0.0.1:6379/12 TOWNHALL_DEMO=1 \\
        .venv/bin/python bench/writes_profile.py --posts 300 [--profile post|open]

Needs the demo council loaded (`manage.py load_demo`). Tasks are queued in the database
(the demo's backend) and opened here by calling the task's function, as the worker does.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

KEY = "demo-open311-key"


def _answers(client: Client, code: str) -> dict[str, str]:
    definition = client.get(f"/open311/v2/services/{code}.json").json()
    answers = {}
    for attribute in definition["attributes"]:
        if not attribute["required"]:
            continue
        if attribute["values"]:
            value = attribute["values"][0]["key"]
        elif attribute["datatype"] == "number":
            value = "1"
        else:
            value = "Bench answer"
        answers[f"attribute[{attribute['code']}]"] = value
    return answers


def posts(count: int, profile: cProfile.Profile | None) -> list[int]:
    """POST `count` distinct reports; returns the new submissions' ids."""
    from townhall.open311.models import Open311Submission

    client = Client(REMOTE_ADDR="127.0.0.1")
    attributes = _answers(client, "graffiti")
    tag = uuid.uuid4().hex[:8]
    before = set(Open311Submission.objects.values_list("pk", flat=True))
    cpu, queries = [], []
    for n in range(count):
        body = {
            "api_key": KEY,
            "service_code": "graffiti",
            "lat": "51.1465",
            "long": "0.875",
            "description": f"Tag on the bus shelter, bench report {tag}-{n}",
            "email": "bench@example.com",
            **attributes,
        }
        with CaptureQueriesContext(connection) as seen:
            if profile:
                profile.enable()
            started = time.process_time()
            response = client.post(
                "/open311/v2/requests.json",
                urlencode(body),
                content_type="application/x-www-form-urlencoded",
            )
            cpu.append(time.process_time() - started)
            if profile:
                profile.disable()
        assert response.status_code == 200, (response.status_code, response.content[:300])
        queries.append(len(seen))
    print(
        f"POST: {count} posts, CPU median {statistics.median(cpu) * 1000:.2f} ms, "
        f"mean {statistics.mean(cpu) * 1000:.2f} ms, queries median {statistics.median(queries)}"
    )
    if count:
        print("  queries of the last post:")
        for q in seen.captured_queries:
            print("   ", q["sql"][:160])
    return sorted(set(Open311Submission.objects.values_list("pk", flat=True)) - before)


def openings(profile: cProfile.Profile | None) -> None:
    """Run every waiting open311_case_open task, as one worker would; CPU per case."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from townhall.open311.models import Open311Submission

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path__startswith="townhall.open311"
    )
    tasks = list(waiting.order_by("enqueued_at"))
    if not tasks:
        print("open: no waiting tasks")
        return
    cases_before = Open311Submission.objects.filter(case__isnull=False).count()
    with CaptureQueriesContext(connection) as seen:
        if profile:
            profile.enable()
        started = time.process_time()
        wall = time.perf_counter()
        for result in tasks:
            # What the worker does per task: claim, run, record (django_tasks_db's worker).
            task = result.task
            task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            DBTaskResult.objects.filter(pk=result.pk).update(status=TaskResultStatus.SUCCESSFUL)
        cpu = time.process_time() - started
        wall = time.perf_counter() - wall
        if profile:
            profile.disable()
    opened = Open311Submission.objects.filter(case__isnull=False).count() - cases_before
    print(
        f"open: {len(tasks)} tasks, {opened} cases, CPU {cpu / max(opened, 1) * 1000:.1f} ms a case "
        f"({opened / cpu:.0f} cases per CPU-second), wall {wall:.1f} s, "
        f"{len(seen) / max(opened, 1):.1f} queries a case"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--profile", choices=["post", "open"], default=None)
    parser.add_argument("--no-open", action="store_true")
    args = parser.parse_args()
    profile = cProfile.Profile(time.process_time) if args.profile else None
    posts(20, None)  # warm-up: sequences known, caches filled
    openings(None)
    posts(args.posts, profile if args.profile == "post" else None)
    if not args.no_open:
        openings(profile if args.profile == "open" else None)
    if profile:
        stats = pstats.Stats(profile)
        stats.sort_stats(os.environ.get("SORT", "cumulative")).print_stats(
            int(os.environ.get("ROWS", "45"))
        )


if __name__ == "__main__":
    main()
