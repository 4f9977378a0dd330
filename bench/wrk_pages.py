"""Public pages under wrk, served exactly as `make demo` serves them (issue 18).

Runs scripts/demo.sh itself (migrate, collectstatic, load_demo, then supervisord with the web
server from config/gunicorn.conf.py, both task workers, the clocks, the outbox worker and the
fakes) on PostgreSQL and Redis, with one change: DJANGO_SETTINGS_MODULE=bench.wrk_settings,
which adds the plain Django page `/bench/plain` (sessions, auth, a CSRF token, no query) as
the yardstick. Then wrk (32 connections, one thread) runs on each page in turn; each figure is
also given as a ratio to /healthz in the same run, so machine speed cancels out. Three runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/townhall_bench_pages \\
        .venv/bin/python bench/wrk_pages.py [--runs 3 --seconds 10]

`--sweep gthread:2:4,sync:3:1,...` instead stops the demo's web program and measures each
worker class:workers:threads on a few pages with the same config file (WEB_WORKERS and
WEB_THREADS override its figures), the background workers still running: ADR 0014's table.
Needs wrk (`apt-get install wrk`).
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
SUPERVISORCTL = [str(ROOT / ".venv" / "bin" / "supervisorctl"), "-c", "var/supervisord.conf"]

PAGES = [
    ("trivial /healthz", "/healthz"),
    ("plain Django page", "/bench/plain"),
    ("home", "/"),
    ("A to Z", "/services/"),
    ("search ?q=bin", "/services/?q=bin"),
    ("start page", "/services/report-a-missed-bin-collection/"),
    ("accessibility", "/accessibility/"),
    ("privacy", "/privacy/"),
    ("Open311 services", "/open311/v2/services.json"),
    ("Open311 requests", "/open311/v2/requests.json"),
    # Issue 19: the bin-day page and the open waste API for one demo address (found at start).
    ("bin day", "/bin-day/{uprn}/"),
    ("waste API collections", "/api/v1/waste/collections/{uprn}"),
]
# A demo address on Kingsmead High Street (the demo gazetteer always has TN23 1AA).
BIN_DAY_POSTCODE = "TN23 1AA"
SWEEP_PAGES = ["/healthz", "/bench/plain", "/", "/services/?q=bin", "/open311/v2/requests.json"]
RESULT = re.compile(r"RESULT ([\d.]+) ([\d.]+) (\d+)")


def wrk(base: str, path: str, seconds: float, connections: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "wrk_p95.lua"),
            base + path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = RESULT.search(out)
    if found is None:
        sys.exit(f"wrk said:\n{out}")
    return {"rps": float(found[1]), "p95": float(found[2]), "errors": int(found[3])}


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def wait_up(base: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    sys.exit(f"{base} did not answer /healthz within {seconds:.0f} s")


def database_create(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def worker_rss_mb(master_pid: int) -> list[float]:
    out = subprocess.run(
        ["ps", "-o", "rss=", "--ppid", str(master_pid)], capture_output=True, text=True
    ).stdout
    return [int(line) / 1024 for line in out.split()]


def cookies_and_cache(base: str, path: str) -> str:
    request = urllib.request.Request(base + path)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        cookies = response.headers.get_all("Set-Cookie") or []
        return f"cookies set: {len(cookies)}; ETag {response.headers.get('ETag') or '-'}"


def static_check(base: str) -> str:
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/townhall.css"]
    with urllib.request.urlopen(f"{base}/static/{hashed}", timeout=10) as response:  # noqa: S310
        return f"/static/{hashed}: Cache-Control {response.headers.get('Cache-Control')}"


def table(rows: dict[str, dict], trivial: float) -> None:
    print(f"{'page':<20}{'req/s':>9}{'ratio':>7}{'p95 ms':>8}{'errors':>7}")
    for name, r in rows.items():
        print(
            f"{name:<20}{r['rps']:>9.0f}{r['rps'] / trivial:>7.2f}{r['p95']:>8.1f}{r['errors']:>7}"
        )


def measure(base: str, pages: list[tuple[str, str]], seconds: float, connections: int) -> dict:
    rows = {}
    for name, path in pages:
        wrk(base, path, 2, connections)  # warm up: the first render, connections opened
        rows[name] = wrk(base, path, seconds, connections)
    return rows


def sweep(base_port: int, configs: str, seconds: float, connections: int, env: dict) -> None:
    subprocess.run([*SUPERVISORCTL, "stop", "web"], cwd=ROOT, check=True, capture_output=True)
    pages = [(path, path) for path in SWEEP_PAGES]
    try:
        for config in configs.split(","):
            worker_class, workers, threads = config.split(":")
            port = base_port + 50
            server = subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "-c",
                    str(ROOT / "config" / "gunicorn.conf.py"),
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--worker-class",
                    worker_class,
                    "--access-logfile",
                    "/dev/null",
                ],
                cwd=ROOT,
                env={**env, "WEB_WORKERS": workers, "WEB_THREADS": threads},
            )
            base = f"http://127.0.0.1:{port}"
            try:
                wait_up(base, 240)
                rows = measure(base, pages, seconds, connections)
                rss = worker_rss_mb(server.pid)
            finally:
                server.terminate()
                server.wait()
            print(
                f"\n{config} (load average {loadavg()}; worker RSS MB "
                f"{', '.join(f'{m:.0f}' for m in rss)})"
            )
            table(rows, rows["/healthz"]["rps"])
    finally:
        subprocess.run([*SUPERVISORCTL, "start", "web"], cwd=ROOT, capture_output=True)


def pages_for(base: str) -> list[tuple[str, str]]:
    """The pages with the bin-day address filled in, asked of the open waste API itself."""
    query = urllib.parse.urlencode({"postcode": BIN_DAY_POSTCODE})
    url = f"{base}/api/v1/waste/addresses?{query}"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  # our own server
        uprn = json.load(response)["addresses"][0]["uprn"]
    return [(name, path.format(uprn=uprn)) for name, path in PAGES]


def demo_start(
    port: int, redis_default: str, log_name: str, extra_env: dict[str, str]
) -> tuple[subprocess.Popen, str, dict[str, str]]:
    """Start Townhall exactly as `make demo` does (scripts/demo.sh, config/gunicorn.conf.py,
    task workers and clocks) on DATABASE_URL's PostgreSQL and a flushed Redis database; the
    process, the database URL and the environment it runs in. Shared by the wrk benchmarks."""
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it will be migrated and loaded).")
    redis_url = os.environ.get("REDIS_URL", redis_default)
    database_create(database)
    redis_flush(redis_url)
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "bench.wrk_settings",
        "PYTHONPATH": str(ROOT),
        "PORT": str(port),
        "FAKE_CONTRACTOR_PORT": str(port + 1),
        "PAY_SANDBOX_PORT": str(port + 2),
        **extra_env,
    }
    (ROOT / "var" / "log").mkdir(parents=True, exist_ok=True)
    log = (ROOT / "var" / "log" / log_name).open("w")
    demo = subprocess.Popen(
        [str(ROOT / "scripts" / "demo.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return demo, database, env


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sweep", default="", help="e.g. gthread:2:4,sync:3:1")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress as it comes
    demo, database, env = demo_start(
        args.port,
        "redis://127.0.0.1:6379/11",
        "bench-demo.log",
        # One wrk client from one address would meet the per-address limits at once.
        {"OPEN311_RATE_PER_IP": "100000000", "WASTE_API_RATE_PER_MINUTE": "100000000"},
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_up(base, 900)
        time.sleep(5)  # the task workers and clocks start after the web server
        pages = pages_for(base)
        print(f"server: scripts/demo.sh (config/gunicorn.conf.py), {database.rsplit('/', 1)[-1]}")
        print(f"wrk: {args.connections} connections, {args.seconds:.0f} s a page after 2 s warm-up")
        for _, path in pages[2:]:
            print(f"{path}: {cookies_and_cache(base, path)}")
        print(static_check(base))
        if args.sweep:
            sweep(args.port, args.sweep, args.seconds, args.connections, env)
            return
        runs = []
        for run in range(1, args.runs + 1):
            before = loadavg()
            rows = measure(base, pages, args.seconds, args.connections)
            runs.append(rows)
            print(f"\nrun {run} (load average before {before}, after {loadavg()})")
            table(rows, rows["trivial /healthz"]["rps"])
        pid = subprocess.run(
            [*SUPERVISORCTL, "pid", "web"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        if pid.isdigit():
            rss = worker_rss_mb(int(pid))
            print(f"\nweb worker RSS MB: {', '.join(f'{m:.0f}' for m in rss)}")
        print(f"\nmedian of {args.runs} runs (each ratio is the median of the runs' ratios)")
        print(f"{'page':<20}{'req/s':>9}{'ratio':>7}{'p95 ms':>8}")
        for name, _ in pages:
            rps = statistics.median(r[name]["rps"] for r in runs)
            ratio = statistics.median(r[name]["rps"] / r["trivial /healthz"]["rps"] for r in runs)
            p95 = statistics.median(r[name]["p95"] for r in runs)
            print(f"{name:<20}{rps:>9.0f}{ratio:>7.2f}{p95:>8.1f}")
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=60)


if __name__ == "__main__":
    main()
