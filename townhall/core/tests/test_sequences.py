"""The shared number allocator: never the same number twice when many are issued at the same
moment (PostgreSQL), and right after a first use whose transaction was rolled back."""

import threading

import pytest
from django.db import connection, transaction

from townhall.cases.references import CASE_REFERENCES
from townhall.core.sequences import NumberSeries, next_number
from townhall.permits.numbers import PERMIT_NUMBERS

SERIES = [pytest.param(CASE_REFERENCES, id="case"), pytest.param(PERMIT_NUMBERS, id="permit")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("series", SERIES)
def test_numbers_issued_at_the_same_moment_are_all_different(series: NumberSeries):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite writes one at a time; the race needs PostgreSQL")
    barrier = threading.Barrier(8)
    numbers: list[int] = []
    lock = threading.Lock()

    def issue() -> None:
        barrier.wait()
        try:
            for _ in range(5):
                with transaction.atomic():
                    number = next_number(series=series, prefix="RPZ", year=2040)
                with lock:
                    numbers.append(number)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(numbers) == 40 and len(set(numbers)) == 40


class _Refused(Exception):
    pass


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("series", SERIES)
def test_a_first_use_rolled_back_leaves_the_next_one_working(series: NumberSeries):
    # Twice in the rolled-back transaction: the second call finds the sequence the first made,
    # which must not be remembered once the rollback has taken it away.
    with pytest.raises(_Refused), transaction.atomic():
        next_number(series=series, prefix="RB", year=2041)
        next_number(series=series, prefix="RB", year=2041)
        raise _Refused
    with transaction.atomic():
        first = next_number(series=series, prefix="RB", year=2041)
    assert first == 1
    assert next_number(series=series, prefix="RB", year=2041) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("series", SERIES)
def test_each_series_counts_on_its_own(series: NumberSeries):
    other = PERMIT_NUMBERS if series is CASE_REFERENCES else CASE_REFERENCES
    assert next_number(series=series, prefix="OW", year=2042) == 1
    assert next_number(series=series, prefix="OW", year=2042) == 2
    assert next_number(series=other, prefix="OW", year=2042) == 1


def test_a_series_name_that_could_carry_sql_is_refused():
    with pytest.raises(ValueError):
        NumberSeries(name="x; drop", counter=object, issued=object, field="number")  # type: ignore[arg-type]
