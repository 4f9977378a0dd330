from townhall.demo.gazetteer import CENTRE_LAT, CENTRE_LON
from townhall.places.models import Street
from townhall.places.selectors import (
    _distance_to_segment_m,
    address_by_uprn,
    addresses_for_postcode,
    addresses_search,
    is_within_council_area,
    nearest_street,
)


def test_tn23_1aa_finds_several_addresses_however_typed(demo_gazetteer):
    found = list(addresses_for_postcode("tn231aa"))
    assert len(found) >= 5
    assert {address.postcode for address in found} == {"TN23 1AA"}
    assert {address.street.name for address in found} == {"Kingsmead High Street"}
    assert list(addresses_for_postcode(" TN23  1AA ")) == found


def test_addresses_for_an_invalid_postcode_is_empty(demo_gazetteer):
    assert list(addresses_for_postcode("not a postcode")) == []


def test_addresses_search_by_street_name_ignores_case(demo_gazetteer):
    found = addresses_search("bank street")
    assert found
    assert all(address.street.name == "Bank Street" for address in found)
    assert len(found) == 20
    assert len(addresses_search("bank street", limit=5)) == 5


def test_addresses_search_by_number_and_street(demo_gazetteer):
    street = next(s for s in demo_gazetteer.streets if s.name == "Church Road")
    number = next(a.number_or_name for a in street.addresses[10:] if a.number_or_name.isdigit())
    found = addresses_search(f"{number} church road")
    assert [(a.number_or_name, a.street.name) for a in found] == [(number, "Church Road")]


def test_addresses_search_by_number_finds_the_flats_at_that_number(demo_gazetteer):
    found = addresses_search("2 Kingsmead High Street")
    assert [a.number_or_name for a in found] == ["Flat 1, 2", "Flat 2, 2"]
    assert [a.number_or_name for a in addresses_search("flat 2, 2 kingsmead high")] == ["Flat 2, 2"]


def test_addresses_search_by_postcode(demo_gazetteer):
    assert {a.postcode for a in addresses_search("tn23 1aa")} == {"TN23 1AA"}


def test_addresses_search_ignores_too_short_text(demo_gazetteer):
    assert addresses_search("a") == []


def test_address_by_uprn(demo_gazetteer):
    record = demo_gazetteer.addresses[100]
    address = address_by_uprn(record.uprn)
    assert address is not None
    assert address.number_or_name == record.number_or_name
    assert address_by_uprn("999999999999") is None
    assert address_by_uprn("") is None


def test_nearest_street_of_an_address_is_its_own_street(demo_gazetteer):
    for record in demo_gazetteer.streets:
        address = record.addresses[len(record.addresses) // 2]
        street = nearest_street(address.lat, address.lon)
        assert street is not None
        assert street.usrn == record.usrn
        assert street.distance_m < 20


def test_nearest_street_respects_a_maximum_distance(demo_gazetteer):
    assert nearest_street(51.5074, -0.1278, max_distance_m=500) is None  # London


def test_is_within_council_area(demo_gazetteer):
    assert is_within_council_area(CENTRE_LAT, CENTRE_LON)
    assert not is_within_council_area(51.5074, -0.1278)  # London
    assert not is_within_council_area(CENTRE_LAT + 0.2, CENTRE_LON)


def test_nothing_is_within_the_area_of_an_empty_gazetteer(db):
    assert not is_within_council_area(CENTRE_LAT, CENTRE_LON)


def test_nearest_street_is_the_same_as_looking_at_every_street(demo_gazetteer):
    """The boxed search must give what a look at every street gives, near and far."""
    import math
    import random

    rng = random.Random(11)
    streets = list(Street.objects.all())
    for _ in range(60):
        # Points in, around and well outside the borough (up to ~30 km away).
        lat = CENTRE_LAT + rng.uniform(-0.3, 0.3) * rng.choice([0.02, 0.2, 1])
        lon = CENTRE_LON + rng.uniform(-0.4, 0.4) * rng.choice([0.02, 0.2, 1])
        expected = min(streets, key=lambda s: _distance_to_segment_m(lat, lon, s))
        found = nearest_street(lat, lon)
        assert found is not None and found.usrn == expected.usrn
        assert math.isclose(found.distance_m, _distance_to_segment_m(lat, lon, expected))
        within = nearest_street(lat, lon, max_distance_m=300)
        if found.distance_m <= 300:
            assert within is not None and within.usrn == expected.usrn
        else:
            assert within is None
