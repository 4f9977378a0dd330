import pytest

from townhall.demo.gazetteer import gazetteer_generate
from townhall.places.models import Address, Street, Ward
from townhall.places.services import gazetteer_load, postcode_normalise


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("TN23 1AA", "TN23 1AA"),
        ("tn231aa", "TN23 1AA"),
        (" TN23  1AA ", "TN23 1AA"),
        ("sw1a 1aa", "SW1A 1AA"),
        ("W1A 0AX", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"),
        ("EC1A 1BB", "EC1A 1BB"),
    ],
)
def test_postcode_normalise_accepts_any_case_and_spacing(typed, expected):
    assert postcode_normalise(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", None, "TN23", "hello", "TN23 1CA", "QN23 1AA", "TN23 1AAA", "12345", "TN231A"]
)
def test_postcode_normalise_rejects_what_is_not_a_uk_postcode(typed):
    assert postcode_normalise(typed) is None


def test_gazetteer_load_creates_everything(demo_gazetteer):
    assert Ward.objects.count() == len(demo_gazetteer.wards)
    assert Street.objects.count() == len(demo_gazetteer.streets)
    assert Address.objects.count() == demo_gazetteer.address_count


def test_gazetteer_load_twice_changes_nothing(demo_gazetteer):
    assert gazetteer_load(gazetteer=gazetteer_generate()) == 0
    assert Address.objects.count() == demo_gazetteer.address_count


def test_gazetteer_load_puts_back_a_changed_address(demo_gazetteer):
    address = Address.objects.get(uprn=demo_gazetteer.addresses[0].uprn)
    Address.objects.filter(pk=address.pk).update(postcode="TN24 9ZZ")
    assert gazetteer_load(gazetteer=gazetteer_generate()) == 1
    address.refresh_from_db()
    assert address.postcode == demo_gazetteer.addresses[0].postcode
