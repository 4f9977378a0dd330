"""The demo council's rounds: two areas of wards, bulky waste slots on Tuesdays and Fridays
and pest control visits on weekdays, for the next 8 weeks (made again on each load, so they
move on). Both services book in the same areas: a ward is in one area at most."""

from datetime import timedelta

from django.utils import timezone

from townhall.bookings.models import Slot
from townhall.bookings.services import booking_area_save, slots_create_bulk
from townhall.catalogue.models import Service

BULKY = "book-a-bulky-waste-collection"
PEST_CONTROL = "book-pest-control"
AREAS = [
    ("north-and-east", "North and east", ["E05900002", "E05900003", "E05900004"]),
    ("south-and-west", "South and west", ["E05900001", "E05900005", "E05900006", "E05900007"]),
]
WEEKS = 8
ITEMS_PER_ROUND = 30
VISITS_PER_DAY = 6  # first visits a pest control officer makes in an area in a day


def demo_booking_slots_load() -> int:
    """The demo's areas, bulky waste and pest control slots; returns how many slots were
    made."""
    areas = [
        booking_area_save(slug=slug, name=name, ward_codes=codes) for slug, name, codes in AREAS
    ]
    today = timezone.localdate()
    made = 0
    for slug, weekdays, capacity, unit in (
        (BULKY, [1, 4], ITEMS_PER_ROUND, Slot.Unit.ITEM),  # Tuesday, Friday
        (PEST_CONTROL, [0, 1, 2, 3, 4], VISITS_PER_DAY, Slot.Unit.VISIT),  # weekdays
    ):
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            continue
        made += slots_create_bulk(
            service=service,
            areas=areas,
            start=today + timedelta(days=1),
            end=today + timedelta(weeks=WEEKS),
            weekdays=weekdays,
            capacity=capacity,
            unit=unit,
        )[0]
    return made
