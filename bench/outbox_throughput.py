"""Outbox throughput benchmark (run by hand on PostgreSQL; results go in the issue's notes).

1. Throughput: MESSAGES contractor jobs waiting in the outbox; one worker (`outbox_work`, the
   code `manage.py outbox_worker` runs) delivers them over real HTTP, signed, to the local
   fake contractor (scripts/fake_contractor.py, its own process). Reports messages per second.
2. Backlog drain: the state a 10-minute outage at RATE messages a second leaves behind
   (OUTAGE x RATE messages, each failed as many times as its age allows under our backoff,
   waiting for its next attempt), then the partner comes back. Reports the time until every
   message is delivered. The outage itself is not waited out in real time: its result (the
   backlog and its retry schedule) is written directly.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/townhall_bench_outbox \\
        .venv/bin/python bench/outbox_throughput.py --messages 20000

The database's outbox is emptied first. Target (issue 7): >= 200 messages/s per worker.
"""

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--in-flight", type=int, default=32, help="partner's in-flight limit")
    parser.add_argument("--outage-minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=50, help="messages/s during the outage")
    parser.add_argument("--port", type=int, default=8199)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from townhall.integrations.models import OutboxMessage, PartnerEndpoint
    from townhall.integrations.outbox.delivery import backoff_delay, outbox_work

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    fake = subprocess.Popen(  # noqa: S603 (our own script)
        [sys.executable, str(ROOT / "scripts" / "fake_contractor.py"), "--port", str(args.port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    try:
        OutboxMessage.objects.all().delete()
        PartnerEndpoint.objects.filter(name="bench_contractor").delete()
        PartnerEndpoint.objects.create(
            name="bench_contractor",
            title="Bench contractor",
            url=f"http://127.0.0.1:{args.port}/jobs",
            secret="demo-contractor-secret",
            max_in_flight=args.in_flight,
            timeout_seconds=10,
        )

        def backlog(n: int, make) -> None:
            rows = []
            for i in range(n):
                rows.append(make(i))
                if len(rows) == 5000:
                    OutboxMessage.objects.bulk_create(rows)
                    rows = []
            OutboxMessage.objects.bulk_create(rows)

        now = timezone.now()

        def fresh(i: int) -> OutboxMessage:
            return OutboxMessage(
                partner="bench_contractor",
                operation="job_create",
                payload=_payload(i),
                idempotency_key=f"bench-{i}",
                correlation=f"FT-2026-{i:06d}",
                next_attempt_at=now,
            )

        backlog(args.messages, fresh)
        started = time.perf_counter()
        totals = outbox_work(worker="bench", threads=args.threads, until_idle=True)
        took = time.perf_counter() - started
        print(
            f"throughput: {totals['delivered']:,} delivered in {took:.1f} s = "
            f"{totals['delivered'] / took:,.0f} messages/s (one worker, {args.threads} threads, "
            f"partner limit {args.in_flight} in flight); {totals}"
        )

        # 2. The backlog a 10-minute outage leaves: messages written at RATE/s, each retried on
        # our backoff schedule while the partner answered 503, each now waiting for its next try.
        OutboxMessage.objects.all().delete()
        outage = args.outage_minutes * 60
        count = int(outage * args.rate)
        came_back = timezone.now()
        rng = random.Random(7)

        def failed(i: int) -> OutboxMessage:
            age = outage - i / args.rate  # seconds since it was written
            attempts, at = 0, 0.0
            while True:
                attempts += 1
                nxt = at + backoff_delay(attempts, rng)
                if nxt > age:
                    break
                at = nxt
            return OutboxMessage(
                partner="bench_contractor",
                operation="job_create",
                payload=_payload(i),
                idempotency_key=f"outage-{i}",
                correlation=f"FT-2026-{i:06d}",
                status=OutboxMessage.Status.FAILED,
                attempts=attempts,
                last_error="HTTP 503 from the partner: service unavailable",
                next_attempt_at=came_back + timedelta(seconds=nxt - age),
            )

        backlog(count, failed)
        waits = sorted(
            (m - came_back).total_seconds()
            for m in OutboxMessage.objects.values_list("next_attempt_at", flat=True)
        )
        print(
            f"outage backlog: {count:,} messages; without release their next tries would be "
            f"spread over {waits[0]:.0f}..{waits[-1]:.0f} s after the partner came back"
        )
        started = time.perf_counter()
        delivered = 0
        while delivered < count:
            totals = outbox_work(worker="bench-drain", threads=args.threads, until_idle=True)
            delivered = OutboxMessage.objects.filter(status=OutboxMessage.Status.DELIVERED).count()
            if totals["delivered"] == 0:
                time.sleep(0.2)
        took = time.perf_counter() - started
        print(f"backlog drain: {count:,} delivered in {took:.1f} s ({count / took:,.0f}/s)")
        stats = _stats(args.port)
        print(
            f"partner saw: {stats['unique']:,} unique jobs, {stats['duplicates']} repeated keys, "
            f"{stats['bad_signatures']} bad signatures"
        )
    finally:
        fake.terminate()
        fake.wait()


def _payload(i: int) -> dict:
    return {
        "job_id": f"00000000-0000-4000-8000-{i:012d}",
        "job": "clear_fly_tip",
        "reference": f"FT-2026-{i:06d}",
        "service": "report-fly-tipping",
        "priority": "normal",
        "summary": "Bags of household rubbish",
        "location": {"lat": 51.15, "lon": 0.87, "uprn": "", "usrn": "", "text": "Mill Lane"},
        "due_at": None,
        "updates_url": f"/api/contractor/v1/jobs/00000000-0000-4000-8000-{i:012d}/events",
    }


def _stats(port: int) -> dict:
    import json
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stats", timeout=30) as r:  # noqa: S310
        return json.loads(r.read())


if __name__ == "__main__":
    main()
