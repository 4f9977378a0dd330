import math
from collections import Counter

from townhall.demo.gazetteer import (
    CENTRE_LAT,
    CENTRE_LON,
    METRES_PER_DEG_LAT,
    METRES_PER_DEG_LON,
    gazetteer_generate,
)
from townhall.places.services import postcode_normalise


def test_gazetteer_is_big_enough_for_the_demo_contract():
    gazetteer = gazetteer_generate()
    assert len(gazetteer.wards) >= 6
    assert len(gazetteer.streets) >= 24
    assert gazetteer.address_count >= 2200
    assert sum(street.is_main_road for street in gazetteer.streets) >= 3


def test_gazetteer_is_the_same_every_time():
    assert gazetteer_generate().addresses == gazetteer_generate().addresses
    assert gazetteer_generate().streets == gazetteer_generate().streets


def test_uprns_and_usrns_are_unique_and_numeric():
    gazetteer = gazetteer_generate()
    uprns = [address.uprn for address in gazetteer.addresses]
    usrns = [street.usrn for street in gazetteer.streets]
    assert len(set(uprns)) == len(uprns)
    assert len(set(usrns)) == len(usrns)
    assert all(uprn.isdigit() and len(uprn) == 12 for uprn in uprns)
    assert all(usrn.isdigit() and len(usrn) == 8 for usrn in usrns)


def test_every_postcode_is_normalised_in_tn23_or_tn24_and_on_one_street():
    gazetteer = gazetteer_generate()
    streets_by_postcode: dict[str, set[str]] = {}
    for street in gazetteer.streets:
        for address in street.addresses:
            assert postcode_normalise(address.postcode) == address.postcode
            assert address.postcode.split(" ")[0] in {"TN23", "TN24"}
            streets_by_postcode.setdefault(address.postcode, set()).add(street.usrn)
    assert all(len(usrns) == 1 for usrns in streets_by_postcode.values())


def test_tn23_1aa_is_several_addresses_on_one_street():
    gazetteer = gazetteer_generate()
    counts = Counter(address.postcode for address in gazetteer.addresses)
    assert counts["TN23 1AA"] >= 5


def test_every_address_is_within_3_km_of_the_centre():
    for address in gazetteer_generate().addresses:
        north = (address.lat - CENTRE_LAT) * METRES_PER_DEG_LAT
        east = (address.lon - CENTRE_LON) * METRES_PER_DEG_LON
        assert math.hypot(north, east) < 3000


def test_gazetteer_has_named_houses_and_flats():
    labels = [address.number_or_name for address in gazetteer_generate().addresses]
    assert any(label.startswith("Flat ") for label in labels)
    assert any(not label[0].isdigit() and not label.startswith("Flat ") for label in labels)
