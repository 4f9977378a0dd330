"""Permit numbers: counted per prefix and year. The shared allocator's race and rollback
tests are in core/tests/test_sequences.py."""

import pytest

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
