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

from bench.open311_load import answers_for  # noqa: E402

KEY = "demo-open311-key"


def _answers(client: Client, code: str) -> dict[str, str]:
    return answers_for(client.get(f"/open311/v2/services/{code}.json").json())


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


JOURNEY_SERVICE = "report-a-missed-bin-collection"


def journeys(count: int, profile: cProfile.Profile | None) -> None:
    """The whole missed-bin form journey as bench/wrk_form_journey.lua walks it (start, each
    page GET and POST, check answers, submit, confirmation), `count` times as new guests:
    requests, queries and CPU a journey, and the submitting POST on its own."""
    import re

    from bench import portal_load
    from townhall.places.models import Address

    # As bench/wrk_signed_in.py answers the address page (a demo address in TN23 1AA),
    # unless told another: whether a missed bin can be reported depends on the day and the
    # address's round (JOURNEY_UPRN, JOURNEY_BIN: e.g. 100062001669 and recycling).
    portal_load.BENCH_UPRN = (
        os.environ.get("JOURNEY_UPRN")
        or (
            Address.objects.filter(postcode="TN23 1AA")
            .order_by("id")
            .values_list("uprn", flat=True)[0]
        )
    )
    answers = portal_load.bin_answers(ROOT)
    if os.environ.get("JOURNEY_BIN"):
        answers["bin-type"]["bin_type"] = os.environ["JOURNEY_BIN"]
    token_pattern = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    per_journey, submits = [], []
    for n in range(count + 2):  # the first two warm the caches up
        client = Client(enforce_csrf_checks=True)
        requests, cpu, queries = 0, 0.0, 0
        url, method, body = f"/services/{JOURNEY_SERVICE}/begin/", "post", ""
        while True:
            with CaptureQueriesContext(connection) as seen:
                if profile and n >= 2:
                    profile.enable()
                started = time.process_time()
                if method == "get":
                    response = client.get(url)
                else:
                    response = client.post(
                        url, body, content_type="application/x-www-form-urlencoded"
                    )
                spent = time.process_time() - started
                if profile:
                    profile.disable()
            requests, cpu, queries = requests + 1, cpu + spent, queries + len(seen)
            if method == "post" and url.endswith("/check/"):
                submits.append((spent, len(seen)))
                if os.environ.get("SHOW_SUBMIT_QUERIES") and n == count + 1:
                    for query in seen.captured_queries:
                        print("   ", query["sql"][:150])
            if method == "get":
                assert response.status_code == 200, (url, response.status_code)
                if "/outcomes/" in url:  # the answers led away from submitting
                    sys.exit(f"The bench's answers end at {url.split('?')[0]}, not a submission")
                if url.endswith("/done/"):
                    break
                token = token_pattern.search(response.content.decode())
                page = url.rstrip("/").rsplit("/", 1)[1]
                data = {"csrfmiddlewaretoken": token[1] if token else ""}
                data.update(answers.get(page, {}))
                method, body = "post", urlencode(data, doseq=True)
            else:
                assert response.status_code == 302, (url, response.status_code)
                url, method = response["Location"], "get"
        if n >= 2:
            per_journey.append((requests, cpu, queries))
    print(
        f"journey: {count} journeys, {statistics.median(r for r, _, _ in per_journey)} requests, "
        f"CPU median {statistics.median(c for _, c, _ in per_journey) * 1000:.1f} ms, "
        f"queries median {statistics.median(q for _, _, q in per_journey)} a journey; "
        f"the submitting POST: CPU median {statistics.median(c for c, _ in submits[2:]) * 1000:.1f}"
        f" ms, queries {statistics.median(q for _, q in submits[2:])}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--profile", choices=["post", "open", "journey"], default=None)
    parser.add_argument("--journeys", type=int, default=0)
    parser.add_argument("--no-open", action="store_true")
    args = parser.parse_args()
    profile = cProfile.Profile(time.process_time) if args.profile else None
    if args.journeys:
        journeys(args.journeys, profile)
        if profile:
            pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(
                int(os.environ.get("ROWS", "45"))
            )
        return
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
