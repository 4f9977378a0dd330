"""Permit numbers: counted per prefix and year, carried on after numbers issued, never the
same twice even when many payments are confirmed at the same moment (PostgreSQL)."""

import threading

import pytest
from django.db import connection, transaction

from townhall.permits.numbers import permit_number_next


@pytest.mark.django_db
def test_numbers_count_up_per_prefix_and_year():
    first = permit_number_next(prefix="GWP", year=2031)
    second = permit_number_next(prefix="GWP", year=2031)
    assert first.startswith("GWP-2031-") and len(first) == len("GWP-2031-000001")
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1
    assert permit_number_next(prefix="GWP", year=2032).startswith("GWP-2032-")


@pytest.mark.django_db
def test_a_prefix_that_is_not_capital_letters_is_refused():
    with pytest.raises(ValueError):
        permit_number_next(prefix="x;drop", year=2031)


@pytest.mark.django_db(transaction=True)
def test_numbers_issued_at_the_same_moment_are_all_different():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite writes one at a time; the race needs PostgreSQL")
    barrier = threading.Barrier(8)
    numbers: list[str] = []
    lock = threading.Lock()

    def issue() -> None:
        barrier.wait()
        try:
            for _ in range(5):
                with transaction.atomic():
                    number = permit_number_next(prefix="RPZ", year=2040)
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
