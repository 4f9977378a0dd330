import pytest

from townhall.cases.models import Case
from townhall.cases.references import reference_next
from townhall.desk.tests.factories import case_make, service_make

pytestmark = pytest.mark.django_db


def test_references_count_up_per_prefix_and_year():
    first = reference_next(prefix="ZZ", year=2031)
    second = reference_next(prefix="ZZ", year=2031)
    other_year = reference_next(prefix="ZZ", year=2032)
    assert first.startswith("ZZ-2031-") and second.startswith("ZZ-2031-")
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1
    assert other_year.startswith("ZZ-2032-")


def test_a_new_counter_carries_on_after_references_already_issued():
    service = service_make()
    case = case_make(service=service)
    Case.objects.filter(pk=case.pk).update(reference="QQ-2033-000041")
    assert reference_next(prefix="QQ", year=2033) == "QQ-2033-000042"


def test_a_prefix_that_is_not_capital_letters_is_refused():
    with pytest.raises(ValueError):
        reference_next(prefix="x;drop", year=2031)
