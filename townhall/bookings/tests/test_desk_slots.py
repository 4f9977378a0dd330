"""The waste officers' slot pages: a week of slots per area with their bookings, and slots
made in bulk (bad input says what to fix and makes nothing)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from townhall.accounts.models import Department, User
from townhall.bookings.models import Slot
from townhall.bookings.services import booking_hold
from townhall.bookings.tests.factories import a_later_day, area, bookable_service, case_for, slot
from townhall.core.audit import AuditEvent
from townhall.desk.tests.factories import user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    service = bookable_service()
    user = user_make(departments=[service.department])
    client.force_login(user)
    return user


def test_an_officer_sees_a_weeks_slots_with_their_bookings(
    client, officer, django_assert_max_num_queries
):
    service = bookable_service()
    day = a_later_day()
    north = slot(service, capacity=10, day=day)
    slot(service, capacity=10, day=day, area=area("south"))
    case = case_for(service, location_text="1 High Street")
    booking_hold(case=case, slot=north, units=4)
    url = reverse("desk:slots")
    with django_assert_max_num_queries(20):
        page = client.get(url, {"from": day.isoformat()}).content.decode()
    assert "4 of 10</strong> items booked" in page
    assert case.reference in page and "1 High Street" in page and "Held until paid" in page
    assert "South" in page
    only_south = client.get(url, {"from": day.isoformat(), "area": area("south").pk})
    assert case.reference not in only_south.content.decode()
    week_before = client.get(url, {"from": (day - timedelta(days=7)).isoformat()})
    assert "There are no slots in these 7 days" in week_before.content.decode()


def test_slots_of_another_department_are_not_shown(client, officer):
    other_department = Department.objects.create(slug="housing", name="Housing")
    other = bookable_service("rent-a-hall")
    other.department = other_department
    other.save()
    s = slot(other)
    page = client.get(reverse("desk:slots"), {"from": s.day.isoformat()}).content.decode()
    assert "There are no slots in these 7 days" in page


def test_an_officer_makes_slots_in_bulk_once(client, officer):
    service = bookable_service()
    north, south = area("north"), area("south")
    start = a_later_day()
    data = {
        "service": service.pk,
        "areas": [north.pk, south.pk],
        "start": start.strftime("%d/%m/%Y"),
        "end": (start + timedelta(days=13)).strftime("%d/%m/%Y"),
        "weekdays": ["1", "4"],
        "capacity": "25",
        "unit": "item",
    }
    r = client.post(reverse("desk:slots_create"), data)
    assert r.status_code == 302
    assert Slot.objects.filter(service=service).count() == 8  # 2 weeks x Tue, Fri x 2 areas
    assert set(Slot.objects.values_list("capacity", flat=True)) == {25}
    assert AuditEvent.objects.filter(object_type="slots", actor=officer).exists()
    client.post(reverse("desk:slots_create"), data)  # a double click makes none more
    assert Slot.objects.filter(service=service).count() == 8


def test_bad_slot_input_says_what_to_fix_and_makes_nothing(client, officer):
    service = bookable_service()
    start = a_later_day()
    r = client.post(
        reverse("desk:slots_create"),
        {"service": service.pk, "areas": [], "start": "31/02/2027",
         "end": start.strftime("%d/%m/%Y"), "capacity": "0", "unit": "item"},
    )  # fmt: skip
    page = r.content.decode()
    assert r.status_code == 400
    for message in (
        "Select at least one area",
        "Enter a real date, like 12/01/2027",
        "Select at least one day of the week",
        "Capacity must be 1 or more",
    ):
        assert message in page
    r = client.post(
        reverse("desk:slots_create"),
        {"service": service.pk, "areas": [area().pk], "start": start.strftime("%d/%m/%Y"),
         "end": (start - timedelta(days=1)).strftime("%d/%m/%Y"), "weekdays": ["2"],
         "capacity": "5", "unit": "item"},
    )  # fmt: skip
    assert "The last day must be the same as or after the first day" in r.content.decode()
    assert not Slot.objects.exists()


def test_a_resident_cannot_reach_the_slot_pages(client):
    client.force_login(User.objects.create_user("r@example.com", "Resident-pass-1"))
    assert client.get(reverse("desk:slots")).status_code in (302, 403, 404)
