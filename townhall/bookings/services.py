"""Writes for bookable slots: making slots, holding places at submission, confirming them
when paid, releasing them, and the resident's cancellation before the cut-off.

Capacity is kept by one conditional UPDATE on the slot row (`booked + n <= capacity`): the
database decides which of two bookings racing for the last places gets them, on every
process and machine, and a check constraint refuses anything else."""

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from townhall.bookings.models import Booking, BookingArea, Slot
from townhall.cases import services as case_services
from townhall.cases.models import Case
from townhall.catalogue.models import Service
from townhall.core import languages
from townhall.core.audit import audit_record
from townhall.core.calendars import WorkingCalendar, end_of_day
from townhall.core.hooks import ErrorPolicy, Hook
from townhall.places.models import Ward

# A booking can be cancelled (and a slot booked) until the end of the working day this many
# working days before the slot's day: the crews' rounds are planned then.
CUT_OFF_WORKING_DAYS = 2
BULK_MAX_DAYS = 366

# Run in the transaction of a resident's cancellation, with the booking cancelled: payments
# asks for the refund here, so a refusal undoes the cancellation.
BookingListener = Callable[[Booking, Any], None]
BOOKING_CANCELLED: Hook[[Booking, Any]] = Hook("booking cancelled", errors=ErrorPolicy.RAISE)


class BookingRefused(Exception):
    """A booking change we will not make, with the reason to show the person."""


class SlotFull(BookingRefused):
    """The slot has no room left for the places asked for."""


def booking_cancelled_listener_register(listener: BookingListener) -> None:
    """Called with (booking, actor) in the transaction that cancels a booking (payments
    refunds it). Lower apps never import their listeners."""
    BOOKING_CANCELLED.register(listener)


def day_text(day: date) -> str:
    return languages.day_text(day)


def slot_cut_off(day: date) -> datetime:
    """Until when a slot on `day` may be booked or cancelled: the end of the working day
    CUT_OFF_WORKING_DAYS working days before it (council closures count)."""
    calendar = WorkingCalendar(council=True)
    current, remaining = day, CUT_OFF_WORKING_DAYS
    while remaining > 0:
        current -= timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return end_of_day(current)


def _slot_take(slot: Slot, units: int) -> bool:
    # The one write that adds to `booked`: the database refuses it when there is no room.
    return bool(
        Slot.objects.filter(pk=slot.pk, booked__lte=F("capacity") - units).update(
            booked=F("booked") + units
        )
    )


def _slot_give_back(slot_id: int, units: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gte=units).update(booked=F("booked") - units)


def booking_hold(*, case: Case, slot: Slot, units: int = 1, now: datetime | None = None) -> Booking:
    """Hold `units` places in `slot` for the case (called when its form is sent, in the
    transaction that opens the case). Idempotent: a case that holds a booking gets it back.
    Refused (BookingRefused) for a slot of another service or past its cut-off, and
    (SlotFull) when someone else took the last places first: nothing is written then."""
    existing = Booking.objects.filter(case=case).select_related("slot").first()
    if existing is not None and existing.is_active:
        return existing
    now = now or timezone.now()
    if units < 1:
        raise BookingRefused(gettext("A booking needs at least one place."))
    if slot.service_id != case.service_id:
        raise BookingRefused(
            gettext("That date is for another service: choose one of the dates shown.")
        )
    cut_off = slot_cut_off(slot.day)
    if now > cut_off:
        raise BookingRefused(
            gettext("It is too late to book %(day)s: choose a later date.")
            % {"day": day_text(slot.day)}
        )
    with transaction.atomic():
        if not _slot_take(slot, units):
            raise SlotFull(
                gettext(
                    "%(day)s was fully booked while you were filling in the form. "
                    "Choose another date."
                )
                % {"day": day_text(slot.day)}
            )
        if existing is not None:
            existing.delete()  # a released booking of this case: the new one replaces it
        booking = Booking.objects.create(case=case, slot=slot, units=units, cancel_by=cut_off)
        case_services.case_add_note(
            case=case,
            actor=None,
            text=f"{units} place(s) held on {day_text(slot.day)} ({slot.area.name}).",
            is_public=False,
        )
    return booking


def booking_confirm(*, case: Case) -> Booking | None:
    """Confirm the case's held booking (its payment succeeded, or it had nothing to pay);
    None when the case has none. A booking released before the payment came in takes its
    places again if the slot still has room; otherwise an officer is left a note to
    rebook or refund."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().filter(case=case).first()
        if booking is None or booking.state in (Booking.State.CONFIRMED, Booking.State.CANCELLED):
            return booking
        if booking.state == Booking.State.RELEASED:
            slot = booking.slot
            if not _slot_take(slot, booking.units):
                case_services.case_add_note(
                    case=case,
                    actor=None,
                    text=f"Paid after the booking was released, and {day_text(slot.day)} is "
                    "now full: rebook the collection or refund the payment.",
                    is_public=False,
                )
                return booking
        booking.state, booking.ended_at = Booking.State.CONFIRMED, None
        booking.save(update_fields=["state", "ended_at", "updated_at"])
    return booking


def _release(booking: Booking, state: str) -> None:
    booking.state, booking.ended_at = state, timezone.now()
    booking.save(update_fields=["state", "ended_at", "updated_at"])
    _slot_give_back(booking.slot_id, booking.units)


def booking_release_on_close(*, case: Case, previous: str, actor: Any) -> None:
    """The CASE_STATUS_CHANGED hook: a case closed other than as done (payment expired,
    withdrawn, refused) gives back the places of its booking. Safe to run twice."""
    if case.status != Case.Status.CLOSED or case.resolution == Case.Resolution.COMPLETED:
        return
    booking = Booking.objects.select_for_update().filter(case=case).first()
    if booking is not None and booking.is_active:
        _release(booking, Booking.State.RELEASED)


def booking_cancel(*, booking: Booking, actor: Any, now: datetime | None = None) -> Booking:
    """The resident cancels their booking: allowed until its cut-off. The places go back to
    the slot, the payment is refunded in full (BOOKING_CANCELLED, filled by payments) and
    the case is closed as withdrawn, all in one transaction. Refused (BookingRefused) once
    cancelled or after the cut-off."""
    now = now or timezone.now()
    with transaction.atomic():
        # The case first, then the booking: the order closing a case locks them in.
        case = Case.objects.select_for_update().get(pk=booking.case_id)
        locked = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
        if not locked.is_active:
            raise BookingRefused(gettext("This booking has already been cancelled."))
        if now > locked.cancel_by:
            raise BookingRefused(
                gettext(
                    "It is too late to cancel online: bookings can be cancelled until "
                    "%(cut_off)s. Contact us if you cannot be there."
                )
                % {"cut_off": locked.cancel_by_text}
            )
        _release(locked, Booking.State.CANCELLED)
        BOOKING_CANCELLED.run(locked, actor)
        audit_record(
            action="change",
            object_type="booking",
            object_id=case.reference,
            actor=actor,
            reason="cancelled before the cut-off",
            detail={"slot": locked.slot_id, "units": locked.units},
        )
        case_services.case_change_status(
            case=case,
            actor=actor if getattr(actor, "is_staff", False) else None,
            status=Case.Status.CLOSED,
            resolution=Case.Resolution.WITHDRAWN,
            public_note=gettext("You cancelled your %(noun)s on %(day)s.")
            % {"noun": locked.slot.noun, "day": day_text(locked.slot.day)},
        )
    return locked


def slots_create_bulk(
    *,
    service: Service,
    areas: Iterable[BookingArea],
    start: date,
    end: date,
    weekdays: Iterable[int],
    capacity: int,
    unit: str = Slot.Unit.ITEM,
    actor: Any = None,
) -> tuple[int, int]:
    """Make a slot for each day from `start` to `end` falling on one of `weekdays`
    (Monday 0) in each area, with room for `capacity` units; returns (made, already there).
    A slot already there keeps its capacity and bookings. Refused (ValidationError, each
    problem by the name of its input) for an empty or back-to-front range, a range over a
    year, no area, no weekday, or no capacity."""
    areas, weekdays = list(areas), sorted(set(weekdays))
    problems: dict[str, str] = {}
    if end < start:
        problems["end"] = "The last day must be the same as or after the first day"
    elif (end - start).days >= BULK_MAX_DAYS:
        problems["end"] = f"Make slots for {BULK_MAX_DAYS} days or fewer at a time"
    if not areas:
        problems["areas"] = "Select at least one area"
    if not weekdays or any(d not in range(7) for d in weekdays):
        problems["weekdays"] = "Select at least one day of the week"
    if capacity < 1:
        problems["capacity"] = "Capacity must be 1 or more"
    if unit not in Slot.Unit.values:
        problems["unit"] = "Select what a slot counts"
    if problems:
        raise ValidationError(problems)
    made = existing = 0
    with transaction.atomic():
        day = start
        while day <= end:
            if day.weekday() in weekdays:
                for area in areas:
                    _, created = Slot.objects.get_or_create(
                        service=service,
                        area=area,
                        day=day,
                        defaults={"capacity": capacity, "unit": unit},
                    )
                    made, existing = made + created, existing + (not created)
            day += timedelta(days=1)
        if not made:
            return made, existing  # nothing written, nothing to audit (a repeat, a reload)
        audit_record(
            action="create",
            object_type="slots",
            object_id=service.slug,
            actor=actor,
            detail={
                "start": start.isoformat(),
                "end": end.isoformat(),
                "weekdays": weekdays,
                "areas": [a.slug for a in areas],
                "capacity": capacity,
                "made": made,
            },
        )
    return made, existing


AREA_NAME_MAX = 100


def booking_area_save(
    *,
    slug: str,
    name: str,
    ward_codes: Iterable[str],
    actor: Any = None,
    new: bool = False,
) -> BookingArea:
    """Create (`new`) or update the area `slug`: its name and the wards it covers. A ward is
    in one area at most, because an address's slots are those of the one area of its
    street's ward (area_for_uprn). Refused (ValidationError, each problem by the name of its
    input: name, wards) for an empty or long name, a name another area has, no ward, an
    unknown ward, a ward of another area, or a new area whose slug is taken by another one;
    nothing is written then. Saving what is already there writes and audits nothing (a
    repeat, a double click)."""
    name, codes = " ".join(name.split()), sorted(set(ward_codes))
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = "Enter the name of the area"
    elif len(name) > AREA_NAME_MAX:
        problems["name"] = f"The name must be {AREA_NAME_MAX} characters or fewer"
    if not slug:
        problems["name"] = problems.get("name") or "Enter a name with letters or numbers"
    if not codes:
        problems["wards"] = "Select at least one ward"
    with transaction.atomic():
        # Locking the wards chosen: two areas saved at once cannot both take one ward.
        wards = list(Ward.objects.select_for_update().filter(code__in=codes).order_by("code"))
        area = BookingArea.objects.select_for_update().filter(slug=slug).first()
        if codes and len(wards) != len(codes):
            problems["wards"] = "Select wards from the list"
        if area is not None and new and (area.name != name or _ward_codes(area) != codes):
            problems["name"] = f"There is already an area called {area.name}"
        others = BookingArea.objects.exclude(slug=slug)
        if "name" not in problems and others.filter(name__iexact=name).exists():
            problems["name"] = f"There is already an area called {name}"
        taken = (
            Ward.objects.filter(code__in=codes, booking_areas__in=others)
            .values_list("name", "booking_areas__name")
            .order_by("name")
        )
        if taken and "wards" not in problems:
            problems["wards"] = (
                "; ".join(f"{ward} is already in {other}" for ward, other in taken)
                + ". An address can be in one area only: take the ward out of that area first"
            )
        if problems:
            raise ValidationError(problems)
        if area is not None and area.name == name and _ward_codes(area) == codes:
            return area
        before = None if area is None else {"name": area.name, "wards": _ward_codes(area)}
        area, _ = BookingArea.objects.update_or_create(slug=slug, defaults={"name": name})
        area.wards.set(wards)
        audit_record(
            action="create" if before is None else "change",
            object_type="booking_area",
            object_id=slug,
            actor=actor,
            detail={"name": name, "wards": codes, "before": before},
        )
    return area


def _ward_codes(area: BookingArea) -> list[str]:
    return sorted(area.wards.values_list("code", flat=True))
