"""The demo council's collection rounds: two areas of wards, and bulky waste slots on
Tuesdays and Fridays for the next 8 weeks (made again on each load, so they move on)."""

from datetime import timedelta

from django.utils import timezone

from townhall.bookings.models import Slot
from townhall.bookings.services import booking_area_save, slots_create_bulk
from townhall.catalogue.models import Service

BULKY = "book-a-bulky-waste-collection"
AREAS = [
    ("north-and-east", "North and east", ["E05900002", "E05900003", "E05900004"]),
    ("south-and-west", "South and west", ["E05900001", "E05900005", "E05900006", "E05900007"]),
]
WEEKS = 8
ITEMS_PER_ROUND = 30


def demo_booking_slots_load() -> int:
    """The demo's areas and bulky waste slots; returns how many slots were made."""
    areas = [
        booking_area_save(slug=slug, name=name, ward_codes=codes) for slug, name, codes in AREAS
    ]
    service = Service.objects.filter(slug=BULKY).first()
    if service is None:
        return 0
    today = timezone.localdate()
    made, _ = slots_create_bulk(
        service=service,
        areas=areas,
        start=today + timedelta(days=1),
        end=today + timedelta(weeks=WEEKS),
        weekdays=[1, 4],  # Tuesday, Friday
        capacity=ITEMS_PER_ROUND,
        unit=Slot.Unit.ITEM,
    )
    return made
