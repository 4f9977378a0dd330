"""Small builders for waste tests: streets, addresses and rounds."""

import itertools
from datetime import time

from townhall.places.models import Address, Street
from townhall.waste.models import Round, RoundAddress

_numbers = itertools.count(1)


def address_make(*, postcode: str = "TN23 9ZZ", street: Street | None = None) -> Address:
    n = next(_numbers)
    street = street or Street.objects.create(
        usrn=f"9{n:07d}",
        name=f"Test Street {n}",
        town="Kingsmead",
        start_lat=51.14,
        start_lon=0.87,
        end_lat=51.15,
        end_lon=0.88,
    )
    return Address.objects.create(
        uprn=f"99{n:08d}",
        street=street,
        number_or_name=str(n),
        postcode=postcode,
        lat=51.145,
        lon=0.875,
        sort_key=n,
    )


def round_make(
    *,
    stream: str = "refuse",
    weekday: int = 4,
    frequency: str = "fortnightly",
    week: str = "A",
    addresses: tuple[Address, ...] = (),
    crew: str = "Crew 1",
) -> Round:
    n = next(_numbers)
    round_ = Round.objects.create(
        code=f"{stream}-{n}",
        stream=stream,
        weekday=weekday,
        frequency=frequency,
        week=week if frequency == "fortnightly" else "",
        crew=crew,
        crew_finish_time=time(15, 0),
    )
    RoundAddress.objects.bulk_create(
        [RoundAddress(round=round_, address=a, stream=stream) for a in addresses]
    )
    return round_
