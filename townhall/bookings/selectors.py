"""Reads of slots and bookings that the form, My Account and the desk share."""

from datetime import date, datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from townhall.bookings.models import Booking, BookingArea, Slot
from townhall.bookings.services import slot_cut_off
from townhall.places import selectors as places


def area_for_uprn(uprn: str) -> BookingArea | None:
    """The booking area an address is in (through its street's ward); None when none is."""
    address = places.address_by_uprn(uprn)
    if address is None or address.street.ward_id is None:
        return None
    return BookingArea.objects.filter(wards=address.street.ward_id).first()


def first_bookable_day(now: datetime | None = None) -> date:
    """The first day whose slots may still be booked (its cut-off not passed)."""
    now = now or timezone.now()
    day = timezone.localdate(now) + timedelta(days=1)
    while slot_cut_off(day) < now:
        day += timedelta(days=1)
    return day


def slots_bookable(
    *, service_id: int, area: BookingArea, now: datetime | None = None, limit: int = 40
) -> list[Slot]:
    """The service's slots in `area` that may still be booked (before their cut-off),
    soonest first, full ones included (shown as unavailable)."""
    slots = Slot.objects.filter(
        service_id=service_id, area=area, day__gte=first_bookable_day(now)
    ).select_related("area")
    return list(slots.order_by("day")[:limit])


def services_with_slots(services: QuerySet) -> QuerySet:
    """Those of `services` that have made slots."""
    return services.filter(pk__in=Slot.objects.values("service_id"))


def slot_by_id(slot_id: int) -> Slot | None:
    return Slot.objects.select_related("area").filter(pk=slot_id).first()


def slots_for_desk(*, day_from: date, day_to: date, area_id: int | None = None) -> QuerySet[Slot]:
    """Slots between two days (an area's, or all), each with its active bookings and their
    cases: the waste officers' list."""
    slots = Slot.objects.filter(day__gte=day_from, day__lte=day_to).select_related(
        "area", "service"
    )
    if area_id:
        slots = slots.filter(area_id=area_id)
    active = Booking.objects.filter(
        state__in=[Booking.State.HELD, Booking.State.CONFIRMED]
    ).select_related("case")
    return slots.prefetch_related(Prefetch("bookings", queryset=active, to_attr="active"))


def booking_of_case(case_id: int) -> Booking | None:
    return Booking.objects.select_related("slot__area").filter(case_id=case_id).first()
