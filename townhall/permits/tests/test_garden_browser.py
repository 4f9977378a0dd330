"""Garden subscription with payment and renewal: a resident applies, pays on the GOV.UK Pay
sandbox (a real separate HTTP server), sees the permit number, then renews from My Account
in two clicks and pays again; a waste officer finds the permit at the desk. axe checks every
page on the way."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from townhall.core.tests.browser import DESKTOP, PHONE, new_page
from townhall.permits.models import Permit
from townhall.portal.tests.journeys import WASTE_OFFICER, card_pay, form_answer_to_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_garden_subscription_with_payment_and_renewal(live_server, browser, demo_with_pay):
    checked = new_page(browser, viewport=PHONE)
    page = checked.page
    sign_in(page, f"{live_server.url}/account/sign-in/")

    page.goto(f"{live_server.url}/services/subscribe-to-garden-waste-collection/")
    page.get_by_role("button", name="Start now").click()
    form_answer_to_check(page)
    page.get_by_role("button", name="Accept and send").click()
    page.get_by_role("button", name="Continue to payment").click()
    card_pay(page, demo_with_pay)

    page.wait_for_url(f"{live_server.url}/services/**/done/")
    checked.check("confirmation with the permit number")
    number = page.locator("[data-permit-number]").inner_text().strip()
    assert re.fullmatch(r"GWP-\d{4}-\d{6}", number)

    page.get_by_role("link", name="your account", exact=True).click()
    checked.check("my account with a permit")
    assert page.locator(f"[data-permit='{number}']").is_visible()
    page.get_by_role("link", name=f"View permit {number}").click()
    checked.check("permit page")
    page.get_by_role("link", name="Cancel this permit").click()
    checked.check("cancel page")
    page.get_by_role("link", name="Keep my permit").click()

    # Eleven months on: the renewal window is open (moved in the database, not waited for).
    permit = Permit.objects.get(number=number)
    today = timezone.localdate()
    Permit.objects.filter(pk=permit.pk).update(
        starts_on=today - timedelta(days=340), ends_on=today + timedelta(days=24)
    )
    page.goto(f"{live_server.url}/my-account/")
    page.get_by_role("link", name=f"Renew permit {number}").click()  # click 1
    checked.check("check your renewal")
    page.get_by_role("button", name="Continue to payment").click()  # click 2: to Pay
    card_pay(page, demo_with_pay)

    page.wait_for_url(f"{live_server.url}/my-account/permits/**")
    checked.check("renewed permit")
    renewal = Permit.objects.get(renews=permit)
    assert renewal.state == Permit.State.ACTIVE and renewal.number != number
    assert renewal.starts_on == today + timedelta(days=25)
    assert f"Your new permit number is {renewal.number}" in page.content()

    desk = new_page(browser, viewport=DESKTOP)
    sign_in(desk.page, f"{live_server.url}/account/sign-in/", WASTE_OFFICER)
    desk.page.goto(f"{live_server.url}/staff/permits/?q={renewal.number}")
    desk.check("desk permits")
    assert desk.page.get_by_role("cell", name=renewal.number).is_visible()
