"""Workflow scale benchmark (run by hand on PostgreSQL; results go in the issue's notes).

Starts CASES cases through the real `case_create` (reference, timeline, notification task,
process start with the fly-tipping decision table), completes COMPLETE work items through
`work_item_complete`, then sweeps timers over all open cases when DUE of them have a timer
due (call-back requests, whose 2-working-day clock runs out first), and reports the times and
the bytes of engine state per case.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/townhall_bench_wf \\
        .venv/bin/python bench/workflow_scale.py --cases 100000 --due 1000 --complete 10000

The database is flushed first. Targets (issue 3): the sweep of 100,000 open cases with 1,000
due in < 5 s; state <= 8 KB per case.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--complete", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500, help="cases per transaction")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run: only start --due new call-back cases, "
        "then sweep (to compare sweepers on the same table)",
    )
    parser.add_argument(
        "--sweepers", type=int, default=1, help="concurrent sweepers (processes, own connections)"
    )
    parser.add_argument(
        "--clone",
        type=int,
        default=0,
        help="extra open cases copied in SQL from a started fly-tipping case (same state, "
        "timers not due), to reach a large table when starting each one is too slow here",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Avg, Max
    from django.db.models.functions import Length

    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL: set DATABASE_URL")
    print(f"database {settings.DATABASES['default']['NAME']}, {os.cpu_count()} CPUs")
    call_command("migrate", verbosity=0)
    if args.reuse:
        args.cases, args.clone, args.complete = args.due, 0, 0
    else:
        call_command("flush", interactive=False, verbosity=0)

    from townhall.cases.services import case_create
    from townhall.catalogue.models import Service
    from townhall.demo.loader import demo_departments_load, demo_services_load
    from townhall.workflow.engine import engine_clock_shift, engine_now
    from townhall.workflow.models import ProcessInstance, WorkItem
    from townhall.workflow.services import process_timers_sweep, work_item_complete

    due_case_ids: list[int] = []
    # The demo's service files, which publish the library processes they name.
    demo_departments_load()
    demo_services_load()
    fly = Service.objects.get(slug="report-fly-tipping")
    call_back = Service.objects.get(slug="request-a-call-back")
    amounts = ["single_bag", "car_boot", "small_van", "lorry"]

    # 1. Start cases --------------------------------------------------------------------
    started = time.perf_counter()
    made = 0
    while made < args.cases:
        with transaction.atomic():
            for _ in range(min(args.batch, args.cases - made)):
                is_due = made < args.due
                case = case_create(
                    service=call_back if is_due else fly,
                    summary="Benchmark",
                    answers={}
                    if is_due
                    else {
                        "waste_types": ["household_bags", "furniture"][: 1 + made % 2],
                        "amount": amounts[made % 4],
                    },
                    contact_name="Bench Resident",
                    contact_email=f"bench{made}@example.com",
                )
                if is_due:
                    due_case_ids.append(case.pk)
                made += 1
        if made % 10_000 == 0 or made == args.cases:
            rate = made / (time.perf_counter() - started)
            print(f"  started {made:,} cases ({rate:,.0f}/s)", flush=True)
    start_seconds = time.perf_counter() - started
    states = ProcessInstance.objects.aggregate(avg=Avg(Length("state")), max=Max(Length("state")))
    print(
        f"start: {args.cases:,} cases in {start_seconds:.1f} s "
        f"({start_seconds / args.cases * 1000:.2f} ms a case, with case_create)"
    )
    print(f"state: {states['avg']:,.0f} bytes a case on average, {states['max']:,} at most")

    if args.clone:
        started = time.perf_counter()
        _clone(args.clone, fly)
        print(
            f"cloned {args.clone:,} open fly-tipping cases with their process state in SQL "
            f"({time.perf_counter() - started:.1f} s)"
        )

    # 2. Complete work items ------------------------------------------------------------
    items = list(
        WorkItem.objects.filter(status=WorkItem.Status.OPEN, task_name="clear").select_related(
            "case"
        )[: args.complete]
    )
    durations = []
    started = time.perf_counter()
    for item in items:
        t0 = time.perf_counter()
        work_item_complete(work_item=item, actor=None, outcome="cleared")
        durations.append(time.perf_counter() - t0)
    complete_seconds = time.perf_counter() - started
    if durations:
        p95 = statistics.quantiles(durations, n=100)[94] * 1000 if len(durations) > 20 else 0
        print(
            f"complete: {len(items):,} work items in {complete_seconds:.1f} s "
            f"({complete_seconds / len(items) * 1000:.2f} ms each, p95 {p95:.1f} ms)"
        )

    # 3. Sweep timers -------------------------------------------------------------------
    open_count = ProcessInstance.objects.filter(status=ProcessInstance.Status.RUNNING).count()
    call_back_due = (
        ProcessInstance.objects.filter(case_id__in=due_case_ids)
        .order_by("-next_timer_at")
        .values_list("next_timer_at", flat=True)
        .first()
    )
    fly_first = (
        ProcessInstance.objects.filter(case__service=fly, next_timer_at__isnull=False)
        .order_by("next_timer_at")
        .values_list("next_timer_at", flat=True)
        .first()
    )
    shift = (call_back_due - engine_now()) + timedelta(minutes=1) if call_back_due else timedelta(0)
    if fly_first and engine_now() + shift >= fly_first:
        print(
            "  warning: fly-tipping timers fall due too (weekend or holiday); figures include them"
        )
    with engine_clock_shift(shift):
        now = engine_now()
        due = ProcessInstance.objects.filter(
            status=ProcessInstance.Status.RUNNING, next_timer_at__lte=now
        ).count()
        started = time.perf_counter()
        result = _sweep(process_timers_sweep, args.sweepers, limit=max(args.due * 2, 1000))
        sweep_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = process_timers_sweep(limit=max(args.due * 2, 1000))
        idle_seconds = time.perf_counter() - started
    print(
        f"sweep: {open_count:,} open cases, {due:,} due: fired {result.fired:,} "
        f"(failed {result.failed}, skipped {result.skipped}) in {sweep_seconds:.2f} s "
        f"with {args.sweepers} sweeper(s); {sweep_seconds / max(result.fired, 1) * 1000:.1f} ms "
        "a fired timer"
    )
    print(f"sweep again with nothing due: {again.fired} fired in {idle_seconds * 1000:.1f} ms")
    with connection.cursor() as cursor:
        cursor.execute(
            "select pg_total_relation_size('workflow_processinstance'), "
            "pg_total_relation_size('workflow_workitem')"
        )
        instance_bytes, item_bytes = cursor.fetchone()
    print(
        f"tables: process instances {instance_bytes / 2**20:,.0f} MiB, "
        f"work items {item_bytes / 2**20:,.0f} MiB"
    )


def _sweep(sweep, sweepers: int, limit: int):
    """Run `sweepers` sweeps at once, each in its own process with its own connection, as
    several workers would (threads would share one interpreter lock); add up what they did."""
    import multiprocessing

    from django.db import connections

    if sweepers == 1:
        return sweep(limit=limit)
    connections.close_all()  # each child opens its own
    context = multiprocessing.get_context("fork")  # children inherit the shifted clock
    queue = context.Queue()

    def run() -> None:
        try:
            done = sweep(limit=limit)
            queue.put((done.fired, done.failed, done.skipped))
        finally:
            connections.close_all()

    children = [context.Process(target=run) for _ in range(sweepers)]
    for child in children:
        child.start()
    totals = [queue.get() for _ in children]
    for child in children:
        child.join()
    from townhall.workflow.services import SweepResult

    return SweepResult(
        fired=sum(t[0] for t in totals),
        failed=sum(t[1] for t in totals),
        skipped=sum(t[2] for t in totals),
    )


def _clone(count: int, service) -> None:
    """Copy a running fly-tipping case and its process `count` times (new references and
    tokens), in SQL: rows the sweep's query must look past, as real open cases are."""
    from django.db import connection, transaction

    from townhall.cases.models import Case
    from townhall.workflow.models import ProcessInstance

    template = ProcessInstance.objects.filter(
        case__service=service, status=ProcessInstance.Status.RUNNING
    ).first()
    case_columns = [
        f.column
        for f in Case._meta.concrete_fields
        if f.column not in ("id", "reference", "tracking_token", "submission_id")
    ]
    instance_columns = [
        f.column for f in ProcessInstance._meta.concrete_fields if f.column not in ("id", "case_id")
    ]
    cols = ", ".join(case_columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            with new_cases as (
                insert into cases_case (reference, tracking_token, {cols})
                select 'BX-' || lpad(g::text, 9, '0'), md5(random()::text || g::text), {cols}
                from cases_case, generate_series(1, %s) g where cases_case.id = %s
                returning id
            )
            insert into workflow_processinstance (case_id, {", ".join(instance_columns)})
            select new_cases.id, {", ".join("p." + c for c in instance_columns)}
            from new_cases, workflow_processinstance p where p.id = %s
            """,
            [count, template.case_id, template.pk],
        )
        cursor.execute("analyze cases_case; analyze workflow_processinstance")


if __name__ == "__main__":
    main()
