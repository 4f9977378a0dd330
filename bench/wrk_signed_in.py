"""Signed-in pages and the form journey under wrk, served as `make demo` serves them (issue 18,
points 3 and 4).

Runs scripts/demo.sh (the web server from config/gunicorn.conf.py, both task workers, the clocks,
the outbox worker) on PostgreSQL and Redis as bench/wrk_pages.py does, signs in through the
real sign-in form once (a resident and the waste officer) and gives wrk the session cookie, so
every request is a signed-in one. Pages, each as a ratio to /healthz in the same run:

- My Account, one of the resident's requests, a form page while filling it (a guest's form,
  started by "Start now"), the officer's desk queue (the default: open, soonest due);
- the whole form journey (bench/wrk_form_journey.lua: start, every page GET and POST with
  the CSRF token parsed from the page, check answers, submit, confirmation), as journeys (cases)
  a second, with the task workers running.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/townhall_bench_signed_in \\
        .venv/bin/python bench/wrk_signed_in.py [--runs 3 --seconds 10]

For the desk queue at a million cases, first seed the same database with bench/desk_scale.py.
Targets (issue 18): pages >= 0.5 of /healthz (the queue >= 0.3 at 1,000,000 cases), p95 < 100 ms
at 32 connections; >= 150 journeys a second. Needs wrk (`apt-get install wrk`).
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import portal_load  # noqa: E402
from bench.wrk_pages import demo_start, loadavg, wait_up  # noqa: E402

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
RESULT = re.compile(r"RESULT ([\d.]+) ([\d.]+) (\d+)(?: (\d+) ([\d.]+))?")
JOURNEY_SERVICE = "report-a-missed-bin-collection"


def wrk(base: str, path: str, seconds: int, connections: int, cookie: str = "") -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "bench" / "wrk_p95.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, base + path], capture_output=True, text=True, check=True)
    found = RESULT.search(out.stdout)
    if found is None:
        sys.exit(f"wrk said:\n{out.stdout}{out.stderr}")
    return {"rps": float(found[1]), "p95": float(found[2]), "errors": int(found[3])}


def wrk_journey(base: str, seconds: int, connections: int, answers: dict[str, dict]) -> dict:
    """One connection a wrk thread, so each thread's Lua state is one visitor's journey."""
    pages = [f"{page}={urllib.parse.urlencode(data, doseq=True)}" for page, data in answers.items()]
    command = ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "bench" / "wrk_form_journey.lua"), base, "--", JOURNEY_SERVICE]
    out = subprocess.run([*command, *pages], capture_output=True, text=True)
    found = RESULT.search(out.stdout)
    if out.returncode or found is None or found[4] is None:
        sys.exit(f"wrk said:\n{out.stdout}{out.stderr}")
    return {
        "rps": int(found[4]) / float(found[5]),  # journeys (cases) a second
        "p95": float(found[2]),  # of every request in the journeys
        "errors": int(found[3]),
        "requests_per_s": float(found[1]),
    }


def sign_in(base: str, email: str, password: str) -> str:
    """The session cookie of a real sign-in through the form, as a Cookie header's value."""
    with httpx.Client(base_url=base) as http:
        page = http.get("/account/sign-in/")
        found = CSRF.search(page.content)
        if found is None:
            sys.exit("No CSRF token on the sign-in page")
        answer = http.post(
            "/account/sign-in/",
            data={"csrfmiddlewaretoken": found[1].decode(), "email": email, "password": password},
        )
        if answer.status_code != 302:
            sys.exit(f"Signing in {email} failed: {answer.status_code}")
        return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def form_started(base: str) -> tuple[str, str]:
    """A guest's form, started by "Start now" and one page answered: its next page's URL and
    the guest's cookies (a form page while filling)."""
    with httpx.Client(base_url=base) as http:
        begun = http.post(f"/services/{JOURNEY_SERVICE}/begin/")
        first = begun.headers["location"]
        page = http.get(first)
        found = CSRF.search(page.content)
        if found is None:
            sys.exit(f"No CSRF token on {first}")
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        return first, cookie


def resident_request(base: str, cookie: str) -> str:
    page = httpx.get(f"{base}/my-account/", headers={"Cookie": cookie}).text
    found = re.search(r'href="(/my-account/requests/[^"]+/)"', page)
    if found is None:
        sys.exit("The resident has no requests on My Account")
    return found[1]


# Whether a missed bin can be reported depends on the day and the address's round: ask the
# waste calendar (through the app, as the form does) for an address and bin that can be now.
REPORTABLE = """
from townhall.places.models import Address
from townhall.waste.missed import missed_reportable
for address in Address.objects.filter(waste_stops__isnull=False).distinct().order_by("id")[:400]:
    found = missed_reportable(address)
    if found:
        print("FOUND", address.uprn, found[0].stream)
        break
"""


def reportable_address(env: dict[str, str]) -> tuple[str, str]:
    """A demo address and bin whose missed collection can be reported today, so every
    journey ends in a case (not on a "too early" or "too late" outcome page)."""
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", REPORTABLE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"FOUND (\S+) (\S+)", out.stdout)
    if found is None:
        sys.exit(f"No demo address has a missed bin to report today:\n{out.stderr}")
    return found[1], found[2]


def table(rows: dict[str, dict], trivial: float) -> None:
    print(f"{'page':<28}{'req/s':>9}{'ratio':>7}{'p95 ms':>8}{'errors':>7}")
    for name, r in rows.items():
        print(
            f"{name:<28}{r['rps']:>9.1f}{r['rps'] / trivial:>7.2f}{r['p95']:>8.1f}{r['errors']:>7}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8775)
    parser.add_argument("--skip", default="", help="comma-separated page names to leave out")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress as it comes
    demo, database, env = demo_start(
        args.port,
        "redis://127.0.0.1:6379/12",
        "bench-signed-in.log",
        {"LOGIN_THROTTLE_FAILURES": "1000000"},
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_up(base, 900)
        time.sleep(5)  # the task workers and clocks start after the web server
        skip = set(args.skip.split(","))
        resident = sign_in(base, "resident@example.com", "Resident-demo-1")
        officer = sign_in(base, "waste.officer@example.gov.uk", "Officer-demo-1")
        request_url = "" if "a request's page" in skip else resident_request(base, resident)
        form_url, guest = form_started(base)
        pages = {
            "trivial /healthz": ("/healthz", ""),
            "plain page, signed in": ("/bench/plain", resident),
            "My Account": ("/my-account/", resident),
            "a request's page": (request_url, resident),
            "form page while filling": (form_url, guest),
            "desk queue (officer)": ("/staff/", officer),
        }
        portal_load.BENCH_UPRN, bin_type = reportable_address(env)
        answers = portal_load.bin_answers(ROOT)
        for data in answers.values():
            if "bin_type" in data:
                data["bin_type"] = bin_type
        print(f"journey: missed bin at {portal_load.BENCH_UPRN}, {bin_type}")
        print(f"server: scripts/demo.sh (config/gunicorn.conf.py), {database.rsplit('/', 1)[-1]}")
        print(f"wrk: {args.connections} connections, {args.seconds} s a page after 2 s warm-up")
        runs = []
        for run in range(1, args.runs + 1):
            before = loadavg()
            rows = {}
            for name, (path, cookie) in pages.items():
                if name in skip:
                    continue
                wrk(base, path, 2, args.connections, cookie)
                rows[name] = wrk(base, path, args.seconds, args.connections, cookie)
            if "journey" not in skip:
                rows["form journey (cases/s)"] = wrk_journey(
                    base, args.seconds, args.connections, answers
                )
            runs.append(rows)
            print(f"\nrun {run} (load average before {before}, after {loadavg()})")
            table(rows, rows["trivial /healthz"]["rps"])
            if "form journey (cases/s)" in rows:
                journey = rows["form journey (cases/s)"]
                print(f"  (journey requests/s {journey['requests_per_s']:.0f})")
        print(f"\nmedian of {args.runs} runs (each ratio is the median of the runs' ratios)")
        print(f"{'page':<28}{'req/s':>9}{'ratio':>7}{'p95 ms':>8}")
        for name in runs[0]:
            rps = statistics.median(r[name]["rps"] for r in runs)
            ratio = statistics.median(r[name]["rps"] / r["trivial /healthz"]["rps"] for r in runs)
            p95 = statistics.median(r[name]["p95"] for r in runs)
            print(f"{name:<28}{rps:>9.1f}{ratio:>7.2f}{p95:>8.1f}")
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=60)


if __name__ == "__main__":
    main()
