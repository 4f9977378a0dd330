"""Portal load benchmark (run by hand; results go in the issue's closing note).

Starts gunicorn on PostgreSQL with the demo council loaded, then drives it with 32
concurrent clients: the home page, a service's start page and My Account (signed in), and
whole fly-tipping reports through the form POSTs. Each figure is given as a ratio to a trivial
no-database view (/healthz) measured in the same run, so machine speed cancels out.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/townhall_bench .venv/bin/python bench/portal_load.py

Targets (issue 2): pages >= 0.25 of the trivial view, p95 < 100 ms; >= 100 submissions/s.
"""

import argparse
import asyncio
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN_ANSWERS: dict[str, dict] = {}
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def p95(samples: list[float]) -> float:
    return (
        statistics.quantiles(samples, n=100)[94] * 1000
        if len(samples) > 20
        else max(samples) * 1000
    )


async def hammer(base: str, path: str, clients: int, seconds: float, cookies=None) -> dict:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, cookies=cookies, timeout=30) as http:

        async def worker():
            nonlocal errors
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                response = await http.get(path)
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {
        "rps": len(latencies) / elapsed,
        "p95_ms": p95(latencies),
        "errors": errors,
        "n": len(latencies),
    }


async def one_report(http: httpx.AsyncClient, submit: bool = True):
    """Walk the missed-bin form page by page; submit it, or return the check-answers URL."""
    start = time.perf_counter()
    page = await http.get("/services/report-a-missed-bin-collection/")
    token = CSRF.search(page.content).group(1).decode()
    headers = {"X-CSRFToken": token}
    r = await http.post("/services/report-a-missed-bin-collection/begin/", headers=headers)
    url = r.headers["location"]
    answers = BIN_ANSWERS
    for _ in range(20):
        if url.endswith("/check/"):
            break
        page_id = url.rstrip("/").rsplit("/", 1)[-1]
        r = await http.post(url, data=answers.get(page_id, {}), headers=headers)
        if r.status_code != 302:
            problems = re.findall(rb'govuk-error-message">(.*?)</p>', r.content, re.S)
            raise RuntimeError(
                f"page {page_id} refused: {r.status_code} {problems[:2]} {answers.get(page_id)}"
            )
        url = r.headers["location"]
    if not submit:
        return url, headers
    r = await http.post(url, headers=headers)
    if r.status_code != 302 or not r.headers["location"].endswith("/done/"):
        raise RuntimeError("submit failed")
    return time.perf_counter() - start


def submit_posts(base: str, clients: int, count: int) -> dict:
    """Cases created per second by the submitting POST alone: forms are filled first
    (untimed), then every check-answers page is submitted by `clients` threads using the
    standard library's light HTTP client, so the load generator costs little CPU."""

    async def prepare_all() -> list[tuple[str, dict]]:
        prepared = []
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            for _ in range(count):
                http.cookies.clear()
                url, headers = await one_report(http, submit=False)
                cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
                prepared.append((url, {**headers, "Cookie": cookie}))
        return prepared

    prepared = asyncio.run(prepare_all())
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not prepared:
                    return
                url, headers = prepared.pop()
            connection = http.client.HTTPConnection(host, int(port), timeout=60)
            start = time.perf_counter()
            connection.request("POST", url, headers={**headers, "Content-Length": "0"})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            connection.close()
            if response.status != 302:
                raise RuntimeError(f"submit refused: {response.status}")
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"per_s": len(latencies) / elapsed, "p95_ms": p95(latencies), "n": len(latencies)}


async def submissions(base: str, clients: int, count: int) -> dict:
    latencies: list[float] = []
    remaining = count

    async def worker():
        nonlocal remaining
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while remaining > 0:
                remaining -= 1
                latencies.append(await one_report(http))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return {"per_s": len(latencies) / elapsed, "p95_ms": p95(latencies), "n": len(latencies)}


def hammer_wrk(
    base: str, path: str, clients: int, seconds: float, cookies=None, headers=()
) -> dict:
    """The same measurement with wrk (a C load generator), so the client costs little CPU."""
    command = [
        "wrk",
        "-t2",
        f"-c{clients}",
        f"-d{int(seconds)}s",
        "-s",
        str(ROOT / "bench" / "wrk_p95.lua"),
    ]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(
        [*command, base + path], capture_output=True, text=True, check=True
    ).stdout
    rps, p95_ms, errors = re.search(r"RESULT (\S+) (\S+) (\S+)", output).groups()
    return {"rps": float(rps), "p95_ms": float(p95_ms), "errors": int(errors)}


def sign_in(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base) as http:
        page = http.get("/account/sign-in/")
        token = CSRF.search(page.content).group(1).decode()
        http.post(
            "/account/sign-in/",
            data={
                "csrfmiddlewaretoken": token,
                "email": "resident2@example.com",
                "password": "Resident-demo-2",
            },
        )
        return http.cookies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it will be migrated and loaded).")
    env = {
        **os.environ,
        "TOWNHALL_DEMO": "1",
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        "LOGIN_THROTTLE_FAILURES": "1000000",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        # As in production: sessions and signed-in users from a shared cache (Redis).
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5"),
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    for command in (["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"], ["load_demo"]):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    from_address = "/services/report-a-missed-bin-collection/"
    global BENCH_UPRN
    BENCH_UPRN = (
        subprocess.run(
            [
                python,
                "manage.py",
                "shell",
                "-c",
                "from townhall.places.models import Address; "
                "print(Address.objects.filter(postcode='TN23 1AA').first().uprn)",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    BIN_ANSWERS.update(bin_answers(ROOT))
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
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        cookies = sign_in(base)
        results = {}
        for name, path, jar in [
            ("trivial /healthz", "/healthz", None),
            ("home /", "/", None),
            ("service start", from_address, None),
            ("My Account", "/my-account/", cookies),
        ]:
            if shutil.which("wrk"):
                hammer_wrk(base, path, args.clients, 2, jar)  # warm up
                results[name] = hammer_wrk(base, path, args.clients, args.seconds, jar)
            else:
                asyncio.run(hammer(base, path, args.clients, 2, jar))  # warm up
                results[name] = asyncio.run(hammer(base, path, args.clients, args.seconds, jar))
        trivial = results["trivial /healthz"]["rps"]
        print(
            f"load generator: {'wrk' if shutil.which('wrk') else 'httpx'}, {args.clients} clients"
        )
        print(f"{'page':<20}{'req/s':>10}{'ratio':>8}{'p95 ms':>9}{'errors':>8}")
        for name, r in results.items():
            print(
                f"{name:<20}{r['rps']:>10.0f}{r['rps'] / trivial:>8.2f}{r['p95_ms']:>9.1f}{r['errors']:>8}"
            )
        posts = submit_posts(base, args.clients, args.reports)
        print(
            f"cases created by the submit POST: {posts['per_s']:.0f}/s over {posts['n']} "
            f"(p95 {posts['p95_ms']:.0f} ms)"
        )
        sub = asyncio.run(submissions(base, args.clients, max(args.reports // 4, 32)))
        print(
            f"submissions: {sub['per_s']:.0f}/s over {sub['n']} whole reports "
            f"(p95 {sub['p95_ms']:.0f} ms per report of {len(BIN_ANSWERS) + 3} requests)"
        )
    finally:
        server.terminate()
        server.wait()


def bin_answers(root: Path) -> dict[str, dict]:
    """Answers for every page of the missed-bin form, read from its demo service file."""
    sys.path.insert(0, str(root))
    from townhall.builder.exchange import service_file_load

    path = root / "townhall/demo/services/report-a-missed-bin-collection.yaml"
    definition = service_file_load(path.read_text(encoding="utf-8"))["form"]["definition"]
    answers: dict[str, dict] = {}
    for page in definition["pages"]:
        data: dict = {}
        for field in page["fields"]:
            name, kind = field["name"], field["type"]
            if kind == "address":
                data[f"{name}-uprn"] = BENCH_UPRN
            elif kind in ("radios", "select"):
                data[name] = field["options"][0]["value"]
            elif kind == "checkboxes":
                data[name] = [field["options"][0]["value"]]
            elif kind == "yesno":
                data[name] = "no"
            elif kind == "date":
                import datetime

                today = datetime.date.today()
                data.update(
                    {
                        f"{name}-day": str(today.day),
                        f"{name}-month": str(today.month),
                        f"{name}-year": str(today.year),
                    }
                )
            elif kind == "declaration":
                data[name] = "yes"
            elif kind in ("text", "textarea"):
                data[name] = "Benchmark"
            elif kind == "email":
                data[name] = "bench@example.com"
            elif kind == "number":
                data[name] = str(int(field.get("min", 1)))
        answers[page["id"]] = data
    answers["your-details"] = {"contact_name": "Bench Mark", "contact_email": "bench@example.com"}
    return answers


BENCH_UPRN = ""

if __name__ == "__main__":
    main()
