"""Pest control booked with slots (issue 17): the demo makes weekday visit slots in the
areas bulky waste uses, the starter form offers the address's dates, sending holds one
visit in the case's transaction, and the fee is still asked for."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.models import User
from townhall.bookings.models import Booking, BookingArea, Slot
from townhall.bookings.selectors import area_for_uprn, slots_bookable
from townhall.builder.services import service_files_import
from townhall.cases.models import Case
from townhall.catalogue.starter import starter_service_files
from townhall.demo.bookings import PEST_CONTROL, VISITS_PER_DAY, WEEKS, demo_booking_slots_load
from townhall.demo.loader import demo_gazetteer_load
from townhall.payments.services import case_fee_pence
from townhall.places.selectors import addresses_for_postcode
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = pytest.mark.django_db


@pytest.fixture
def pest_control(db, settings):
    demo_gazetteer_load()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_catalogue_with_processes()  # bulky waste too: both book in the same areas
    files = [f for f in starter_service_files() if f[0] == f"{PEST_CONTROL}.yaml"]
    (service,) = service_files_import(files=files, actor=None)
    demo_booking_slots_load()
    return service


def test_the_demo_makes_weekday_visit_slots_for_8_weeks_in_each_area(pest_control):
    slots = Slot.objects.filter(service=pest_control)
    today = timezone.localdate()
    assert {s.unit for s in slots} == {Slot.Unit.VISIT}
    assert {s.capacity for s in slots} == {VISITS_PER_DAY}
    assert {s.area_id for s in slots} == set(BookingArea.objects.values_list("pk", flat=True))
    assert {s.day.weekday() for s in slots} == {0, 1, 2, 3, 4}
    assert min(s.day for s in slots) > today
    assert max(s.day for s in slots) <= today + timedelta(weeks=WEEKS)
    assert demo_booking_slots_load() == 0  # loading again makes none more


def test_a_resident_books_a_first_visit_and_is_asked_for_the_fee(client, pest_control):
    home = addresses_for_postcode("TN23 1AA")[0]
    client.force_login(User.objects.create_user("pat@example.com", "Correct-horse-7"))
    url = client.post(reverse("portal:form_begin", args=[PEST_CONTROL]))["Location"]
    r = client.post(url, {"address-uprn": home.uprn})
    for answer in (
        {"pest": "mice"},
        {"where": "inside"},
        {"tenure": "own"},
        {"at_home": ["pets"]},
    ):
        r = client.post(r["Location"], answer)
        assert r.status_code == 302, r.content.decode()
    assert r["Location"].endswith("/visit-date/")
    area = area_for_uprn(home.uprn)
    assert area is not None
    slot = slots_bookable(service_id=pest_control.pk, area=area)[0]
    page = client.get(r["Location"]).content.decode()
    assert "Choose a date for the first visit" in page
    assert f"Room for {VISITS_PER_DAY} more visits" in page
    r = client.post(r["Location"], {"visit_slot": str(slot.pk)})
    r = client.post(r["Location"], {"access": ""})
    r = client.post(r["Location"], {"fee_noted": "yes"})
    check = r["Location"]
    while not check.endswith("/check/"):  # the contact page, when the form asks it
        r = client.post(check, {"contact_name": "Pat Resident", "contact_email": "pat@example.com"})
        check = r["Location"]
    assert "£75" in client.get(check).content.decode()
    client.post(check)
    client.post(check)  # a double click sends once
    case = Case.objects.get(service=pest_control)
    booking = Booking.objects.get(case=case)
    assert (booking.slot_id, booking.units, booking.state) == (slot.pk, 1, "held")
    slot.refresh_from_db()
    assert slot.booked == 1
    assert case_fee_pence(case) == 7500
    detail = client.get(reverse("portal:request_detail", args=[case.reference])).content.decode()
    assert "Cancel this visit" in detail and "collection" not in detail
    cancel = client.get(reverse("portal:booking_cancel", args=[case.reference])).content.decode()
    assert "Cancel your visit on" in cancel and "Keep my visit" in cancel
