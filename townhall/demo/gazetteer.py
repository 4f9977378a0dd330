"""The demo gazetteer of Kingsmead Borough Council, generated from a fixed seed.

Kingsmead is fictional, but it sits on the map where Ashford (Kent) is, so that map tiles,
postcodes (TN23/TN24) and distances look right. The same seed always gives the same wards,
streets, USRNs, UPRNs and postcodes, so the demo loader can run on every start and tests can
rely on particular addresses (``TN23 1AA`` is always on Kingsmead High Street).

This module is pure Python: it builds plain records (`places.gazetteer`) and never touches
the database. Demo only: production loads a council's own gazetteer extract.
"""

import math
import random
from dataclasses import replace

from townhall.places.gazetteer import AddressRecord, Gazetteer, StreetRecord, WardRecord

CENTRE_LAT = 51.1465
CENTRE_LON = 0.8750
TOWN = "Kingsmead"
DEFAULT_SEED = 20260101

# Metres per degree near the centre: accurate enough for a few kilometres.
METRES_PER_DEG_LAT = 111_320.0
METRES_PER_DEG_LON = 111_320.0 * math.cos(math.radians(CENTRE_LAT))

# Letters allowed in the inward code of a UK postcode (no C, I, K, M, O, V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

HOUSE_NAMES = [
    "Rose Cottage",
    "The Old Forge",
    "Orchard House",
    "Hop Kiln Cottage",
    "The Laurels",
    "Stour View",
    "Oast House",
    "The Old Rectory",
    "Meadow End",
    "Willow Barn",
    "Woodlands",
    "The Coach House",
]


# Wards: code, name, compass bearing of the ward from the centre (degrees), postcode district.
# Ashford's TN23 lies south and west of the town centre, TN24 north and east.
WARDS = [
    ("E05900001", "Kingsmead Central", None, "TN23"),
    ("E05900002", "Stour Meadows", 20, "TN24"),
    ("E05900003", "Orchard Hill", 80, "TN24"),
    ("E05900004", "Willow Brook", 140, "TN24"),
    ("E05900005", "Mill Green", 200, "TN23"),
    ("E05900006", "Priory Fields", 260, "TN23"),
    ("E05900007", "Highfield", 320, "TN23"),
]

# Streets per ward: (name, is_main_road, number of properties).
STREETS = {
    "E05900001": [
        ("Kingsmead High Street", True, 96),
        ("Bank Street", False, 64),
        ("Church Road", False, 78),
        ("Station Approach", False, 52),
    ],
    "E05900002": [
        ("Canterbury Road", True, 150),
        ("Riverside Walk", False, 84),
        ("Kingfisher Close", False, 46),
        ("Ferry Lane", False, 70),
    ],
    "E05900003": [
        ("Hythe Road", True, 140),
        ("Bramley Avenue", False, 96),
        ("Cox's Orchard", False, 58),
        ("Pippin Way", False, 82),
    ],
    "E05900004": [
        ("Willesborough Lane", False, 104),
        ("Beech Grove", False, 88),
        ("Alder Close", False, 44),
    ],
    "E05900005": [
        ("Romney Marsh Road", True, 134),
        ("Millers Way", False, 92),
        ("Weavers Lane", False, 66),
        ("Granary Court", False, 48),
    ],
    "E05900006": [
        ("Maidstone Road", True, 146),
        ("Abbey Gardens", False, 90),
        ("Cloister Way", False, 72),
        ("Monks Walk", False, 60),
    ],
    "E05900007": [
        ("Faversham Road", False, 118),
        ("Hillcrest Drive", False, 100),
        ("Linden Avenue", False, 86),
        ("Summerhill Close", False, 42),
    ],
}

LOCALITIES = {
    "E05900001": "",
    "E05900002": "Stourside",
    "E05900003": "Orchard Hill",
    "E05900004": "Willesborough",
    "E05900005": "Mill Green",
    "E05900006": "Priory Fields",
    "E05900007": "Highfield",
}


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / METRES_PER_DEG_LAT, lon + east_m / METRES_PER_DEG_LON


class PostcodeAllocator:
    """Hands out unused postcodes of one district in order: TN23 1AA, TN23 1AB, ..."""

    def __init__(self, district: str, sectors: list[int]) -> None:
        self.district = district
        self.sectors = sectors
        self.index = 0

    def take(self) -> str:
        per_sector = len(INWARD_LETTERS) ** 2
        sector = self.sectors[self.index // per_sector]
        unit = self.index % per_sector
        self.index += 1
        first, second = divmod(unit, len(INWARD_LETTERS))
        return f"{self.district} {sector}{INWARD_LETTERS[first]}{INWARD_LETTERS[second]}"


def _street_line(
    rng: random.Random, bearing: float | None, is_main_road: bool
) -> tuple[float, float, float, float]:
    """Start and end points of a street, all within about 3 km of the centre."""
    if bearing is None:  # the town centre: short streets around the middle
        distance = rng.uniform(50, 450)
        spread = rng.uniform(0, 360)
        length = rng.uniform(350, 600)
    elif is_main_road:  # radial A-roads running out from the centre
        distance, spread, length = 250.0, bearing, rng.uniform(2000, 2400)
    else:
        distance = rng.uniform(900, 2000)
        spread = bearing + rng.uniform(-25, 25)
        length = rng.uniform(300, 800)
    theta = math.radians(spread)
    north, east = distance * math.cos(theta), distance * math.sin(theta)
    start = _offset(CENTRE_LAT, CENTRE_LON, north, east)
    direction = math.radians(spread if is_main_road else rng.uniform(0, 360))
    end = _offset(start[0], start[1], length * math.cos(direction), length * math.sin(direction))
    return start[0], start[1], end[0], end[1]


def gazetteer_generate(seed: int = DEFAULT_SEED) -> Gazetteer:
    """Build the whole demo gazetteer. Same seed, same gazetteer, to the last UPRN."""
    rng = random.Random(seed)
    allocators = {
        "TN23": PostcodeAllocator("TN23", [1, 2, 3, 4, 5, 6, 7]),
        "TN24": PostcodeAllocator("TN24", [8, 9, 0]),
    }
    wards = [WardRecord(code=code, name=name) for code, name, _, _ in WARDS]
    streets: list[StreetRecord] = []
    uprn_index = 0
    street_index = 0
    for ward_code, _ward_name, bearing, district in WARDS:
        for name, is_main_road, count in STREETS[ward_code]:
            start_lat, start_lon, end_lat, end_lon = _street_line(rng, bearing, is_main_road)
            street = StreetRecord(
                usrn=str(24_600_000 + 1_000 + street_index * 37),
                name=name,
                locality=LOCALITIES[ward_code],
                town=TOWN,
                ward_code=ward_code,
                is_main_road=is_main_road,
                start_lat=round(start_lat, 6),
                start_lon=round(start_lon, 6),
                end_lat=round(end_lat, 6),
                end_lon=round(end_lon, 6),
            )
            street_index += 1
            for label, sort_key, position, side in _properties(rng, count, is_main_road):
                lat, lon = _place(street, position, side, rng)
                street.addresses.append(
                    AddressRecord(
                        # Disjoint ranges of 7 per index keep UPRNs unique yet irregular.
                        uprn=str(100_062_000_000 + uprn_index * 7 + rng.randint(0, 6)),
                        number_or_name=label,
                        postcode="",  # set below, in runs along the street
                        lat=lat,
                        lon=lon,
                        sort_key=sort_key,
                    )
                )
                uprn_index += 1
            _assign_postcodes(street, allocators[district], rng)
            streets.append(street)
    return Gazetteer(wards=wards, streets=streets)


def _properties(
    rng: random.Random, count: int, is_main_road: bool
) -> list[tuple[str, int, float, int]]:
    """(label, sort key, position 0..1 along the street, side ±1) for each property."""
    properties: list[tuple[str, int, float, int]] = []
    houses = count
    named = rng.randint(1, 3) if not is_main_road and rng.random() < 0.5 else 0
    houses -= named
    number = 1
    while len(properties) < houses:
        side = 1 if number % 2 else -1
        pairs = math.ceil(houses / 2)
        position = (((number + 1) // 2) - 0.5) / pairs
        # Main roads have shops with flats above; some houses are split into flats.
        has_flats = (is_main_road and number % 6 == 2) or rng.random() < 0.04
        if has_flats and len(properties) + 2 <= houses:
            for flat in (1, 2):
                label = f"Flat {flat}, {number}"
                properties.append((label, number * 100 + flat, position, side))
        else:
            properties.append((str(number), number * 100, position, side))
        number += 1
    for index in range(named):
        name = HOUSE_NAMES[rng.randrange(len(HOUSE_NAMES))]
        if any(label == name for label, *_ in properties):
            name = f"{name} {index + 2}"
        properties.append((name, 1_000_000 + index, rng.uniform(0.9, 1.0), 1))
    return properties


def _place(
    street: StreetRecord, position: float, side: int, rng: random.Random
) -> tuple[float, float]:
    """Put a property at `position` along the street, 10 m off the centre line on its side."""
    d_north = (street.end_lat - street.start_lat) * METRES_PER_DEG_LAT
    d_east = (street.end_lon - street.start_lon) * METRES_PER_DEG_LON
    length = math.hypot(d_north, d_east) or 1.0
    # Unit normal to the street, to set odd numbers on one side and even on the other.
    normal_north, normal_east = -d_east / length, d_north / length
    lat, lon = _offset(
        street.start_lat + (street.end_lat - street.start_lat) * position,
        street.start_lon + (street.end_lon - street.start_lon) * position,
        side * 10 * normal_north + rng.uniform(-1.5, 1.5),
        side * 10 * normal_east + rng.uniform(-1.5, 1.5),
    )
    return round(lat, 6), round(lon, 6)


def _assign_postcodes(
    street: StreetRecord, allocator: PostcodeAllocator, rng: random.Random
) -> None:
    """Give runs of 10–18 neighbouring properties one postcode each, as Royal Mail does."""
    ordered = sorted(street.addresses, key=lambda a: a.sort_key)
    assigned: dict[str, str] = {}
    run_left = 0
    postcode = ""
    for index, address in enumerate(ordered):
        # A short tail joins the run before it rather than having a postcode of its own.
        if run_left == 0 and (not postcode or len(ordered) - index >= 4):
            postcode = allocator.take()
            run_left = rng.randint(10, 18)
        assigned[address.uprn] = postcode
        run_left -= 1
    street.addresses = [replace(a, postcode=assigned[a.uprn]) for a in ordered]
