"""Booking a bulky waste collection over real HTTP (Django's test client): the slot page
offers the dates of the address's area with the room left, sending holds the places in the
case's transaction, paying at the Pay sandbox confirms them, cancelling before the cut-off
refunds in full, and a date taken meanwhile is refused with a clear message."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.models import User
from townhall.bookings.models import Booking, Slot
from townhall.bookings.selectors import area_for_uprn, slots_bookable
from townhall.cases.models import Case
from townhall.demo.bookings import BULKY, demo_booking_slots_load
from townhall.demo.loader import demo_gazetteer_load
from townhall.eforms.models import Submission
from townhall.payments.models import Payment, Refund
from townhall.payments.services import payment_refresh, payments_sweep
from townhall.places.selectors import addresses_for_postcode
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = pytest.mark.django_db
PAID = "4444333322221111"


@pytest.fixture
def bulky(db, settings):
    demo_gazetteer_load()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    catalogue = demo_catalogue_with_processes()
    demo_booking_slots_load()
    return catalogue[BULKY]


@pytest.fixture
def resident(client):
    home = addresses_for_postcode("TN23 1AA")[0]
    user = User.objects.create_user("rosa@example.com", "Correct-horse-7", uprn=home.uprn)
    client.force_login(user)
    return user


def _walk_to_slot_page(client, items: int = 5) -> str:
    url = client.post(reverse("portal:form_begin", args=[BULKY]))["Location"]
    assert url.endswith("/address/")
    r = client.post(url, {"address-uprn": addresses_for_postcode("TN23 1AA")[0].uprn})
    r = client.post(r["Location"], {"items": ["sofa", "table"]})
    r = client.post(r["Location"], {"item_count": str(items)})
    if items > 3:
        r = client.post(r["Location"], {"extra_charge_agreed": "yes"})
    r = client.post(r["Location"], {"collection_point": "kerbside"})
    assert r["Location"].endswith("/collection-date/"), r["Location"]
    return r["Location"]


def _choose(client, url: str, slot: Slot) -> str:
    r = client.post(url, {"collection_slot": str(slot.pk)})
    assert r.status_code == 302, r.content.decode()
    r = client.post(r["Location"], {"ready_by_7am": "yes"})
    assert r["Location"].endswith("/check/")
    return r["Location"]


def _slots(resident) -> list[Slot]:
    """The slots the resident's address may still book (those after the cut-off)."""
    area = area_for_uprn(resident.uprn)
    assert area is not None
    return slots_bookable(service_id=area.slots.first().service_id, area=area)


def test_the_slot_page_offers_the_areas_dates_with_room_and_shows_full_ones(
    client, bulky, resident
):
    slots = _slots(resident)
    Slot.objects.filter(pk=slots[1].pk).update(booked=27)  # room for 3: too few for 5 items
    page = client.get(_walk_to_slot_page(client, items=5)).content.decode()
    day = f"{slots[0].day:%A} {slots[0].day.day} {slots[0].day:%B %Y}"
    assert day in page and "Room for 30 more items" in page
    full = re.search(rf'value="{slots[1].pk}"[^>]*>', page)
    assert full and "disabled" in full.group(0)
    assert "Fully booked" in page
    other_area = Slot.objects.exclude(area=slots[0].area).first()
    assert f'value="{other_area.pk}"' not in page


def test_sending_holds_the_places_paying_confirms_and_cancelling_refunds_in_full(
    client, bulky, resident, pay_sandbox, django_capture_on_commit_callbacks
):
    slot = _slots(resident)[0]
    check = _choose(client, _walk_to_slot_page(client, items=5), slot)
    assert "£51" in client.get(check).content.decode()  # £35 + 2 extra items at £8
    done = client.post(check)["Location"]
    client.post(check)  # a double click sends once
    case = Case.objects.get()
    booking = Booking.objects.get(case=case)
    assert (booking.state, booking.units) == ("held", 5)
    slot.refresh_from_db()
    assert slot.booked == 5

    pay = client.post(done.replace("/done/", "/pay/"))
    payment = Payment.objects.get(case=case)
    assert pay["Location"] == payment.next_url
    pay_sandbox.card_submit(payment.next_url, PAID)
    payment_refresh(payment)
    booking.refresh_from_db()
    assert booking.state == "confirmed"

    detail = reverse("portal:request_detail", args=[case.reference])
    page = client.get(detail).content.decode()
    assert "Cancel this collection" in page and "Confirmed" in page
    cancel = reverse("portal:booking_cancel", args=[case.reference])
    assert "We will refund £51.00" in client.get(cancel).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(cancel)  # the refund goes to Pay once the cancellation commits
    assert r["Location"] == detail
    booking.refresh_from_db()
    slot.refresh_from_db()
    case.refresh_from_db()
    assert booking.state == "cancelled" and slot.booked == 0
    assert (case.status, case.resolution) == ("closed", "withdrawn")
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount_pence, refund.status) == (5100, "success")  # the worker ran it
    page = client.get(detail).content.decode()
    assert "We have refunded £51.00" in page and "Cancel this collection" not in page


def test_after_the_cut_off_the_button_is_gone_and_the_page_says_why(client, bulky, resident):
    slot = _slots(resident)[0]
    client.post(_choose(client, _walk_to_slot_page(client, items=2), slot))
    booking = Booking.objects.get()
    Booking.objects.filter(pk=booking.pk).update(cancel_by=booking.cancel_by - timedelta(days=30))
    page = client.get(reverse("portal:request_detail", args=[booking.case.reference]))
    text = page.content.decode()
    assert "Cancel this collection" not in text
    assert "You can no longer cancel online: the cut-off was 11:59pm on" in text
    cancel = reverse("portal:booking_cancel", args=[booking.case.reference])
    assert "You can no longer cancel this collection online" in client.get(cancel).content.decode()
    r = client.post(cancel)
    assert r.status_code == 400 and "too late to cancel online" in r.content.decode()
    booking.refresh_from_db()
    assert booking.state == "held"


def test_a_date_taken_while_filling_the_form_is_refused_at_sending_and_nothing_is_kept(
    client, bulky, resident
):
    slot = _slots(resident)[0]
    check = _choose(client, _walk_to_slot_page(client, items=5), slot)
    Slot.objects.filter(pk=slot.pk).update(booked=28)  # someone else booked meanwhile
    r = client.post(check)
    assert r["Location"].endswith("/collection-date/")
    assert not Case.objects.exists() and not Submission.objects.exists()
    page = client.get(r["Location"]).content.decode()
    assert "is now fully booked. Choose another date" in page
    assert "There is a problem" in page
    later = _slots(resident)[1]
    r = client.post(r["Location"], {"collection_slot": str(later.pk)})
    client.post(r["Location"])  # check answers again (change: back to check)
    client.post(check)
    assert Booking.objects.get().slot == later


def test_a_date_of_another_area_or_a_made_up_one_is_refused_on_the_page(client, bulky, resident):
    url = _walk_to_slot_page(client)
    other = Slot.objects.exclude(area=_slots(resident)[0].area).first()
    for value in (str(other.pk), "99999", "x"):
        r = client.post(url, {"collection_slot": value})
        assert r.status_code == 200 and "Select one of the dates shown" in r.content.decode()
    r = client.post(url, {})
    assert "Select a collection date" in r.content.decode()


def test_places_held_by_a_form_never_paid_for_are_released_by_the_payments_sweep(
    client, bulky, resident, settings
):
    slot = _slots(resident)[0]
    client.post(_choose(client, _walk_to_slot_page(client, items=4), slot))
    booking = Booking.objects.get()
    now = timezone.now()
    payments_sweep(now=now + timedelta(minutes=5))  # still within the time to pay
    booking.refresh_from_db()
    assert booking.state == "held"
    counts = payments_sweep(now=now + timedelta(minutes=settings.PAY_EXPIRY_MINUTES + 1))
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert counts["released"] == 1
    assert booking.state == "released" and slot.booked == 0
    assert Case.objects.get().status == "closed"
