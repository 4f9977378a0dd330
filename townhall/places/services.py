"""Writes to the gazetteer, and the postcode rules everything else relies on."""

import re

from django.db import transaction

from townhall.places.gazetteer import Gazetteer
from townhall.places.models import Address, Street, Ward

# A UK postcode with its space removed: outward code (A9, A99, AA9, AA99, A9A, AA9A), then
# the inward code (a digit and two letters, never C, I, K, M, O or V).
_POSTCODE = re.compile(
    r"^(?:GIR0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]"
    r"|[A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def postcode_normalise(text: str | None) -> str | None:
    """Return `text` as a postcode in its standard form ("TN23 1AA"), or None if it is not one.

    Residents type postcodes every way: "tn231aa", " TN23  1AA ", so case and spaces are
    ignored; anything that cannot be a UK postcode gives None.
    """
    if not text:
        return None
    compact = re.sub(r"\s+", "", text).upper()
    if len(compact) > 7 or not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


@transaction.atomic
def gazetteer_load(*, gazetteer: Gazetteer) -> int:
    """Create or update wards, streets and addresses from `gazetteer`; return the number of
    addresses created or changed. Matching is by ward code, USRN and UPRN, so running it
    again changes nothing."""
    wards = {}
    for ward in gazetteer.wards:
        wards[ward.code], _ = Ward.objects.update_or_create(
            code=ward.code, defaults={"name": ward.name}
        )
    existing = {a.uprn: a for a in Address.objects.all()}
    to_create: list[Address] = []
    to_update: list[Address] = []
    fields = ["street", "number_or_name", "postcode", "lat", "lon", "sort_key"]
    for record in gazetteer.streets:
        street, _ = Street.objects.update_or_create(
            usrn=record.usrn,
            defaults={
                "name": record.name,
                "locality": record.locality,
                "town": record.town,
                "ward": wards[record.ward_code],
                "is_main_road": record.is_main_road,
                "start_lat": record.start_lat,
                "start_lon": record.start_lon,
                "end_lat": record.end_lat,
                "end_lon": record.end_lon,
            },
        )
        for a in record.addresses:
            values = {
                "street": street,
                "number_or_name": a.number_or_name,
                "postcode": a.postcode,
                "lat": a.lat,
                "lon": a.lon,
                "sort_key": a.sort_key,
            }
            current = existing.get(a.uprn)
            if current is None:
                to_create.append(Address(uprn=a.uprn, **values))
            elif any(getattr(current, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(current, name, value)
                to_update.append(current)
    Address.objects.bulk_create(to_create, batch_size=500)
    Address.objects.bulk_update(to_update, fields, batch_size=500)
    return len(to_create) + len(to_update)
