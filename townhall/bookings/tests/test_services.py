"""Holding, confirming, releasing and cancelling places in a slot; making slots in bulk."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from townhall.bookings.models import Booking, Slot
from townhall.bookings.selectors import slots_bookable
from townhall.bookings.services import (
    BOOKING_CANCELLED,
    BookingRefused,
    SlotFull,
    booking_cancel,
    booking_confirm,
    booking_hold,
    slot_cut_off,
    slots_create_bulk,
)
from townhall.bookings.tests.factories import a_later_day, area, bookable_service, case_for, slot
from townhall.cases.models import Case
from townhall.cases.services import case_change_status
from townhall.core.audit import AuditEvent

pytestmark = pytest.mark.django_db


def _booked(s: Slot) -> int:
    s.refresh_from_db()
    return s.booked


def test_a_hold_takes_places_and_holding_again_for_the_case_takes_none():
    service = bookable_service()
    s = slot(service, capacity=5)
    case = case_for(service)
    first = booking_hold(case=case, slot=s, units=3)
    again = booking_hold(case=case, slot=s, units=3)
    assert first.pk == again.pk and first.state == Booking.State.HELD
    assert _booked(s) == 3
    assert first.cancel_by == slot_cut_off(s.day)


def test_a_hold_for_more_than_is_left_is_refused_and_writes_nothing():
    service = bookable_service()
    s = slot(service, capacity=4)
    booking_hold(case=case_for(service), slot=s, units=3)
    late = case_for(service)
    with pytest.raises(SlotFull, match="fully booked while you were filling in the form"):
        booking_hold(case=late, slot=s, units=2)
    assert _booked(s) == 3
    assert not Booking.objects.filter(case=late).exists()
    assert booking_hold(case=late, slot=s, units=1).units == 1
    assert _booked(s) == 4


def test_a_hold_past_the_cut_off_or_for_another_service_is_refused():
    service = bookable_service()
    s = slot(service)
    case = case_for(service)
    with pytest.raises(BookingRefused, match="too late to book"):
        booking_hold(case=case, slot=s, now=slot_cut_off(s.day) + timedelta(seconds=1))
    other = slot(bookable_service("another-service"))
    with pytest.raises(BookingRefused, match="another service"):
        booking_hold(case=case, slot=other)
    assert _booked(s) == 0 and _booked(other) == 0


def test_the_cut_off_is_the_end_of_the_second_working_day_before():
    cut_off = timezone.localtime(slot_cut_off(date(2027, 3, 10)))  # a Wednesday
    assert (cut_off.date(), cut_off.hour, cut_off.minute) == (date(2027, 3, 8), 23, 59)
    # Over Christmas: 28 (Boxing Day's substitute) and 25 December are no working days.
    assert timezone.localtime(slot_cut_off(date(2026, 12, 30))).date() == date(2026, 12, 24)


def test_confirm_keeps_the_places_and_closing_the_case_gives_them_back():
    service = bookable_service()
    s = slot(service, capacity=2)
    paid, unpaid = case_for(service), case_for(service)
    booking_hold(case=paid, slot=s)
    booking_hold(case=unpaid, slot=s)
    assert booking_confirm(case=paid).state == Booking.State.CONFIRMED
    case_change_status(case=unpaid, actor=None, status=Case.Status.CLOSED, resolution="withdrawn")
    assert Booking.objects.get(case=unpaid).state == Booking.State.RELEASED
    assert _booked(s) == 1
    # Closed as done after the collection: its places are not given back.
    case_change_status(case=paid, actor=None, status=Case.Status.CLOSED, resolution="completed")
    assert Booking.objects.get(case=paid).state == Booking.State.CONFIRMED
    assert _booked(s) == 1


def test_a_payment_after_the_release_takes_the_places_again_when_there_is_room():
    service = bookable_service()
    s = slot(service, capacity=1)
    case = case_for(service)
    booking_hold(case=case, slot=s)
    case_change_status(case=case, actor=None, status=Case.Status.CLOSED, resolution="withdrawn")
    assert _booked(s) == 0
    assert booking_confirm(case=case).state == Booking.State.CONFIRMED
    assert _booked(s) == 1


def test_cancelling_before_the_cut_off_frees_the_places_closes_the_case_and_tells_payments(
    monkeypatch,
):
    service = bookable_service()
    s = slot(service, capacity=3)
    case = case_for(service)
    booking = booking_hold(case=case, slot=s, units=2)
    told = []
    monkeypatch.setitem(BOOKING_CANCELLED, "refund", lambda b, actor: told.append(b.pk))
    booking_cancel(booking=booking, actor=None)
    case.refresh_from_db()
    assert told == [booking.pk]
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.CANCELLED
    assert _booked(s) == 0
    assert (case.status, case.resolution) == ("closed", "withdrawn")
    assert AuditEvent.objects.filter(object_type="booking", object_id=case.reference).exists()
    with pytest.raises(BookingRefused, match="already been cancelled"):
        booking_cancel(booking=booking, actor=None)


def test_cancelling_after_the_cut_off_is_refused_and_changes_nothing():
    service = bookable_service()
    s = slot(service)
    case = case_for(service)
    booking = booking_hold(case=case, slot=s)
    with pytest.raises(BookingRefused, match="too late to cancel online"):
        booking_cancel(booking=booking, actor=None, now=booking.cancel_by + timedelta(minutes=1))
    case.refresh_from_db()
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.HELD
    assert _booked(s) == 1 and case.is_open


def test_a_failing_refund_undoes_the_cancellation(monkeypatch):
    service = bookable_service()
    s = slot(service)
    booking = booking_hold(case=case_for(service), slot=s)

    def refuse(b, actor):
        raise ValidationError("Pay is down")

    monkeypatch.setitem(BOOKING_CANCELLED, "refund", refuse)
    with pytest.raises(ValidationError):
        booking_cancel(booking=booking, actor=None)
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.HELD
    assert _booked(s) == 1


def test_slots_are_made_in_bulk_once_for_each_day_and_area():
    service = bookable_service()
    north, south = area("north"), area("south")
    start = a_later_day()  # a Wednesday
    made, there = slots_create_bulk(
        service=service, areas=[north, south], start=start, end=start + timedelta(days=13),
        weekdays=[1, 2], capacity=20,
    )  # fmt: skip
    assert (made, there) == (8, 0)  # 2 weeks x (Wed, Tue) x 2 areas, minus none
    made, there = slots_create_bulk(
        service=service, areas=[north], start=start, end=start + timedelta(days=6),
        weekdays=[2], capacity=5,
    )  # fmt: skip
    assert (made, there) == (0, 1)
    assert Slot.objects.get(area=north, day=start).capacity == 20


def test_bulk_slots_with_bad_input_say_what_to_fix_and_make_nothing():
    service = bookable_service()
    start = a_later_day()
    with pytest.raises(ValidationError) as refused:
        slots_create_bulk(
            service=service, areas=[], start=start, end=start - timedelta(days=1),
            weekdays=[], capacity=0,
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"areas", "end", "weekdays", "capacity"}
    assert not Slot.objects.exists()


def test_only_slots_whose_cut_off_has_not_passed_are_offered():
    service = bookable_service()
    north = area()
    s = slot(service, area=north)
    assert slots_bookable(service_id=service.pk, area=north) == [s]
    late = slot_cut_off(s.day) + timedelta(seconds=1)
    assert slots_bookable(service_id=service.pk, area=north, now=late) == []
