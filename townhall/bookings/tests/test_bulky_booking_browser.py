"""A resident books a bulky waste collection on a phone, pays on the Pay sandbox, then cancels
from My Account and sees the refund; a waste officer sees the slots and the bulk form. axe
checks every page on the way (the slot page, the cancel page, the desk's slot pages)."""

import pytest

from townhall.bookings.models import Booking
from townhall.core.tests.browser import DESKTOP, PHONE, new_page
from townhall.payments.models import Refund
from townhall.portal.tests.journeys import WASTE_OFFICER, card_pay, form_answer_to_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BULKY = "book-a-bulky-waste-collection"


def test_bulky_booking_with_cancellation(live_server, browser, demo_with_pay):
    checked = new_page(browser, viewport=PHONE)
    page = checked.page
    sign_in(page, f"{live_server.url}/account/sign-in/")

    def slot_page_check(page) -> None:
        if page.url.endswith("/collection-date/"):
            checked.check("slot page")
            assert page.locator("[data-slots] input[type=radio]").count() > 5

    page.goto(f"{live_server.url}/services/{BULKY}/")
    page.get_by_role("button", name="Start now").click()
    form_answer_to_check(page, on_each_page=slot_page_check)
    assert "Choose a collection date" in page.content()
    page.get_by_role("button", name="Accept and send").click()

    checked.check("pay page")
    page.get_by_role("button", name="Continue to payment").click()
    card_pay(page, demo_with_pay)
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
    sign_in(desk.page, f"{live_server.url}/staff/", WASTE_OFFICER)
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
