"""Open311 load benchmark (run by hand on PostgreSQL; results go in the issue's notes).

Loads the demo council, adds CASES visible Open311 requests, starts gunicorn and a task
worker, then drives GET services, GET requests (the default 90-day window, 1,000 newest) and
POST requests with 32 concurrent clients. GETs are given as ratios to a trivial no-database
view (/healthz) in the same run, so machine speed cancels out.

A POST is answered once the request is stored with its reference; the worker opens the cases.
So the bench also reports when the last of the posted cases was open: cases opened per second
from the first POST to the last case. The task workers run as scripts/demo.sh runs them (two
`task_worker`s at the web server's CPU priority; --task-workers and --worker-nice to try
others): one worker at nice 19 opened 16 cases a second and left a 15 s burst's cases
waiting 112 s (docs/adr/0018-signed-in-pages.md, "Writes").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/townhall_bench_o311 \\
        .venv/bin/python bench/open311_load.py --cases 100000

Targets (issue 5): GETs >= 0.3 of the trivial view, POST >= 100/s, p95 < 100 ms.
"""

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.portal_load import hammer_wrk, p95  # noqa: E402

KEY = "demo-open311-key"

SEED = """
import random
from datetime import timedelta
from django.utils import timezone
from townhall.cases.models import Case
from townhall.catalogue.models import Service
services = list(Service.objects.exclude(open311_code="").filter(is_sensitive=False))
wanted = {cases}
have = Case.objects.filter(reference__startswith="O3-").count()
now = timezone.now()
rng = random.Random(5)
batch = []
for n in range(have, wanted):
    service = services[n % len(services)]
    batch.append(Case(
        reference=f"O3-2026-{{n:07d}}", service=service, department_id=service.department_id,
        summary="Seeded report", channel="open311", channel_client="Bench",
        status=rng.choice(["open", "in_progress", "closed"]), lat=51.14, lon=0.87,
        location_text="Bank Street", due_at=now + timedelta(days=5),
    ))
    if len(batch) == 5000:
        Case.objects.bulk_create(batch)
        batch = []
Case.objects.bulk_create(batch)
# Spread them over the last 120 days, so the 90-day default window has work to do.
from django.db import connection
with connection.cursor() as c:
    c.execute("UPDATE cases_case SET created_at = now() - (id % 172800) * interval '1 minute', "
              "updated_at = now() WHERE reference LIKE 'O3-%%'")
c = connection.cursor()
c.execute("ANALYZE")
print(Case.objects.count())
"""


def attribute_answers(base: str, code: str) -> dict[str, str]:
    """A valid answer for every required attribute, read from the service definition."""
    return answers_for(httpx.get(f"{base}/open311/v2/services/{code}.json").json())


def answers_for(definition: dict) -> dict[str, str]:
    """A valid answer for every required attribute of an Open311 service definition
    (bench/writes_profile.py reads its definition in process)."""
    answers = {}
    for attribute in definition["attributes"]:
        if not attribute["required"]:
            continue
        if attribute["values"]:
            value = attribute["values"][0]["key"]
        elif attribute["datatype"] == "number":
            value = "1"
        elif attribute["datatype"] == "datetime":
            value = "2026-01-05"
        else:
            value = "Bench answer"
        answers[f"attribute[{attribute['code']}]"] = value
    return answers


def _post_body(attributes: dict[str, str], tag: str) -> str:
    return urllib.parse.urlencode(
        {
            "api_key": KEY,
            "service_code": "graffiti",
            "lat": "51.1465",
            "long": "0.875",
            "description": f"Tag on the bus shelter, bench report {tag}",
            "email": "bench@example.com",
            **attributes,
        }
    )


def post_requests_paced(base: str, clients: int, count: int, rate: float) -> dict:
    """POST `count` reports open loop from `clients` threads (the standard library's light
    client): report n is due at n / rate seconds whatever the server does, and its latency
    runs from when it was due, so a slow server is not hidden by clients waiting for it (no
    coordinated omission). Closed loop is `post_requests_wrk`."""
    host, port = base.removeprefix("http://").split(":")
    attributes = attribute_answers(base, "graffiti")
    started = time.perf_counter() + 0.2  # time to start the threads
    latencies: list[float] = []
    failures = []
    lock = threading.Lock()
    next_index = [0]

    def worker() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        while True:
            with lock:
                n = next_index[0]
                next_index[0] += 1
            if n >= count:
                break
            sent = started + n / rate
            time.sleep(max(0.0, sent - time.perf_counter()))
            connection.request(
                "POST",
                "/open311/v2/requests.json",
                body=_post_body(attributes, f"{rate}-{n}"),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - sent
            with lock:
                if response.status == 200:
                    latencies.append(elapsed)
                else:
                    failures.append((response.status, data[:200]))
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = time.perf_counter() - started
    return {
        "per_s": len(latencies) / finished,
        "p95_ms": p95(latencies) if latencies else 0,
        "n": len(latencies),
        "failures": failures[:3],
    }


def post_requests_wrk(base: str, clients: int, seconds: float) -> dict:
    """POST reports closed loop with wrk (a C load generator, so the client costs little CPU,
    as for the GETs): each connection sends its next report when the last is answered."""
    body = _post_body(attribute_answers(base, "graffiti"), "{n}").replace("%7Bn%7D", "{n}")
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{clients}",
            f"-d{int(seconds)}s",
            "-s",
            str(ROOT / "bench" / "wrk_open311_post.lua"),
            base,
            "--",
            body,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps, p95_ms, errors, n = re.search(r"RESULT (\S+) (\S+) (\S+) (\S+)", output).groups()
    return {"per_s": float(rps), "p95_ms": float(p95_ms), "errors": int(errors), "n": int(n)}


CASES_TO_OPEN = "SELECT count(*) FROM open311_open311submission WHERE case_id IS NULL"
TASKS_TO_RUN = (
    "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
)


def queue_wait(sql: str = CASES_TO_OPEN, timeout: float = 900) -> None:
    """Wait until `sql` counts nothing: every accepted post's case open (by default), or every
    queued task run (so an earlier run's notifications do not share the machine)."""
    import psycopg

    deadline = time.perf_counter() + timeout
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
        while time.perf_counter() < deadline:
            waiting = db.execute(sql).fetchone()
            if waiting is not None and waiting[0] == 0:
                return
            time.sleep(0.1)
    raise RuntimeError(f"the workers did not finish in time: {sql}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--port", type=int, default=8766)
    # As scripts/demo.sh runs them: two task workers at the web server's priority.
    parser.add_argument("--task-workers", type=int, default=2)
    parser.add_argument("--worker-nice", type=int, default=0)
    parser.add_argument(
        "--rates",
        type=float,
        nargs="*",
        default=[50, 100],
        help="also offer POSTs at these rates a second (open loop) and report their p95",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it will be migrated and loaded).")
    if not shutil.which("wrk"):
        sys.exit("Install wrk (apt-get install wrk): the load generator must cost little CPU.")
    env = {
        **os.environ,
        "TOWNHALL_DEMO": "1",
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        "OPEN311_RATE_PER_KEY": "100000000",
        "OPEN311_RATE_PER_IP": "100000000",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5"),
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    for command in (["migrate", "-v0"], ["load_demo"]):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    seeded = (
        subprocess.run(
            [python, "manage.py", "shell", "-c", SEED.format(cases=args.cases)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    print(f"cases in the database: {int(seeded):,}")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            # The one server line (docs/adr/0014-server-line.md), as `make demo` runs it.
            "-c",
            str(ROOT / "config" / "gunicorn.conf.py"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    workers = [
        subprocess.Popen(
            [
                "nice",
                "-n",
                str(args.worker_nice),
                python,
                "manage.py",
                "task_worker",
                "--queue-name",
                "*",
                "--no-reload",
                "--worker-id",
                f"bench-worker-{n}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(args.task_workers)
    ]
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        queue_wait(TASKS_TO_RUN)  # what an earlier run left queued (its notifications)
        results = {}
        for name, path in [
            ("trivial /healthz", "/healthz"),
            ("GET services", "/open311/v2/services.json"),
            ("GET requests", "/open311/v2/requests.json"),
            ("GET requests (open, one service)", "/open311/v2/requests.json?status=open&service_code=graffiti"),
            ("GET one request", "/open311/v2/requests/O3-2026-0000042.json"),
        ]:  # fmt: skip
            # As real clients do (FixMyStreet's HTTP client among them): accept gzip.
            gz = () if path == "/healthz" else ("Accept-Encoding: gzip",)
            hammer_wrk(base, path, args.clients, 2, headers=gz)  # warm up
            results[name] = hammer_wrk(base, path, args.clients, args.seconds, headers=gz)
        trivial = results["trivial /healthz"]["rps"]
        print(f"{'route':<36}{'req/s':>9}{'ratio':>8}{'p95 ms':>9}{'errors':>8}")
        for name, r in results.items():
            print(
                f"{name:<36}{r['rps']:>9.0f}{r['rps'] / trivial:>8.2f}{r['p95_ms']:>9.1f}"
                f"{r['errors']:>8}"
            )
        queue_wait(TASKS_TO_RUN)  # the GETs' quiet time may not have been enough
        started = time.perf_counter()
        posts = post_requests_wrk(base, args.clients, args.seconds)
        print(
            f"POST requests, {args.clients} clients as fast as they can: {posts['per_s']:.0f}/s "
            f"over {posts['n']} (p95 {posts['p95_ms']:.0f} ms), failures {posts['errors']}"
        )
        queue_wait(CASES_TO_OPEN)
        opened_in = time.perf_counter() - started
        print(
            f"  every posted case open {opened_in:.1f} s after the first POST: "
            f"{posts['n'] / opened_in:.0f} cases opened/s end to end "
            f"({args.task_workers} task worker(s) at nice {args.worker_nice})"
        )
        for rate in args.rates:
            paced = post_requests_paced(base, args.clients, int(rate * args.seconds), rate)
            print(
                f"POST requests offered at {rate:.0f}/s over {args.clients} connections: "
                f"{paced['per_s']:.0f}/s done over {paced['n']} (p95 {paced['p95_ms']:.0f} ms "
                f"from when each was due), failures {paced['failures']}"
            )
    finally:
        for process in (server, *workers):
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()
