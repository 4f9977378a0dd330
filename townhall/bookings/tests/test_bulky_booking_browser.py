"""A resident books a bulky waste collection on a phone, pays on the Pay sandbox, then cancels
from My Account and sees the refund; a waste officer sees the slots and the bulk form. axe
checks every page on the way (the slot page, the cancel page, the desk's slot pages)."""

import pytest
from django.core.management import call_command

from townhall.bookings.models import Booking
from townhall.core.tests.browser import DESKTOP, PHONE, new_page
from townhall.payments.models import Refund
from townhall.portal.tests.test_accessibility import answer_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BULKY = "book-a-bulky-waste-collection"


def test_bulky_booking_with_cancellation(live_server, browser, pay_sandbox, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("load_demo", "--cases", "0", verbosity=0)
    checked = new_page(browser, viewport=PHONE)
    page = checked.page
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill("resident@example.com")
    page.get_by_label("Password", exact=True).fill("Resident-demo-1")
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server.url}/services/{BULKY}/")
    page.get_by_role("button", name="Start now").click()
    for _ in range(15):
        if "/check/" in page.url:
            break
        if page.url.endswith("/collection-date/"):
            checked.check("slot page")
            assert page.locator("[data-slots] input[type=radio]").count() > 5
        answer_page(page)
        page.get_by_role("button", name="Continue").click()
    assert "Choose a collection date" in page.content()
    page.get_by_role("button", name="Accept and send").click()

    checked.check("pay page")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(f"{pay_sandbox.url}/card/**")
    page.get_by_label("Card number").fill("4444 3333 2222 1111")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/services/**/done/")
    assert page.locator(".govuk-panel--confirmation").is_visible()
    booking = Booking.objects.select_related("case").get()
    assert booking.state == "confirmed"

    page.goto(f"{live_server.url}/my-account/requests/{booking.case.reference}/")
    checked.check("request page with a booking")
    assert page.locator("[data-booking-state]").inner_text() == "Confirmed"
    page.get_by_role("button", name="Cancel this collection").click()
    checked.check("cancel page")
    assert "We will refund £35.00" in page.locator("[data-refund]").inner_text()
    page.get_by_role("button", name="Cancel collection").click()
    page.wait_for_url(f"**/my-account/requests/{booking.case.reference}/")
    checked.check("request page after cancelling")
    assert "is cancelled. We are refunding £35.00" in page.content()
    page.reload()
    assert "We have refunded £35.00 to your card" in page.content()
    assert page.get_by_role("button", name="Cancel this collection").count() == 0
    assert Refund.objects.get().status == "success"
    booking.refresh_from_db()
    assert booking.state == "cancelled" and booking.slot.booked == 0

    desk = new_page(browser, viewport=DESKTOP)
    desk.page.goto(f"{live_server.url}/staff/")
    desk.page.get_by_label("Email address").fill("waste.officer@example.gov.uk")
    desk.page.get_by_label("Password", exact=True).fill("Officer-demo-1")
    desk.page.get_by_role("button", name="Sign in").click()
    desk.page.wait_for_url("**/staff/")
    desk.page.get_by_role("link", name="Collection slots").click()
    desk.page.goto(f"{live_server.url}/staff/slots/?from={booking.slot.day.isoformat()}")
    desk.check("desk slot list")
    assert "0 of 30" in desk.page.content()
    desk.page.get_by_role("link", name="Make slots").click()
    desk.check("desk make slots")
    desk.page.get_by_role("button", name="Make slots").click()
    desk.check("desk make slots with errors")
    assert "Select at least one area" in desk.page.content()
