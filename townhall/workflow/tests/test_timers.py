import threading
from datetime import timedelta

import pytest
from django.db import connection

from townhall.cases.models import Case, CaseEvent
from townhall.workflow.engine import engine_clock_shift, engine_now
from townhall.workflow.models import ProcessInstance
from townhall.workflow.services import process_timers_sweep
from townhall.workflow.tests.helpers import case_open, only_open_item


def _fly(catalogue):
    return case_open(
        catalogue["report-fly-tipping"], {"waste_types": ["furniture"], "amount": "single_bag"}
    )


def _lead_notes(case: Case) -> int:
    return case.events.filter(
        kind=CaseEvent.Kind.INTERNAL_NOTE, text__startswith="Escalated to the team lead"
    ).count()


def test_a_new_process_records_when_its_next_timer_is_due(catalogue):
    case = _fly(catalogue)
    instance = ProcessInstance.objects.get(case=case)
    # The crew's work item carries the "at risk" and "overdue" timers; the earlier is next.
    assert instance.next_timer_at is not None
    assert engine_now() < instance.next_timer_at <= case.due_at


def test_nothing_fires_before_its_time(catalogue):
    case = _fly(catalogue)
    result = process_timers_sweep()
    assert result.fired == 0
    assert _lead_notes(case) == 0


def test_overdue_work_is_escalated_once_without_stopping_the_work(catalogue):
    case = _fly(catalogue)
    item = only_open_item(case)
    with engine_clock_shift(timedelta(days=30)):
        first = process_timers_sweep()
        second = process_timers_sweep()
    assert (first.fired, second.fired) == (1, 0)
    case.refresh_from_db()
    assert _lead_notes(case) == 1  # at risk: the team lead is told
    assert case.priority == Case.Priority.HIGH  # overdue: one step more urgent
    holding = case.events.filter(kind=CaseEvent.Kind.PUBLIC_NOTE, text__contains="sorry")
    assert holding.count() == 1  # and the resident gets a holding message
    assert only_open_item(case) == item  # the crew's task is still there
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == ProcessInstance.Status.RUNNING
    assert instance.next_timer_at is None  # both timers have fired


def test_two_concurrent_sweepers_fire_each_timer_exactly_once(catalogue_committed):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    cases = [_fly(catalogue_committed) for _ in range(24)]
    barrier = threading.Barrier(2)
    results = []
    errors = []

    def sweeper() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(process_timers_sweep(limit=1000))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    with engine_clock_shift(timedelta(days=30)):
        threads = [threading.Thread(target=sweeper) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not errors, errors
    problems = list(
        ProcessInstance.objects.exclude(last_error="").values_list("case__reference", "last_error")
    )
    assert problems == []
    assert sum(r.fired for r in results) == len(cases), results
    for case in cases:
        case.refresh_from_db()
        assert _lead_notes(case) == 1, case.reference
        assert case.priority == Case.Priority.HIGH, case.reference  # raised once, not twice
