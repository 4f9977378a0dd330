"""A resident pays for a garden waste subscription on a phone: declined first, then paid.
GOV.UK Pay is the local sandbox, a real separate HTTP server; axe checks our pages."""

import pytest

from townhall.catalogue.models import Service
from townhall.core.tests.browser import PHONE, new_page
from townhall.payments.models import Payment
from townhall.portal.tests.journeys import CARD_DECLINED, card_pay, form_answer_to_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_is_declined_then_pays_and_sees_the_confirmation(
    live_server, browser, demo_with_pay
):
    service = Service.objects.get(slug="subscribe-to-garden-waste-collection")
    checked = new_page(browser, viewport=PHONE)
    page = checked.page
    page.goto(f"{live_server.url}/services/{service.slug}/")
    page.get_by_role("button", name="Start now").click()
    form_answer_to_check(page)
    page.get_by_role("button", name="Accept and send").click()

    checked.check("pay page")
    assert page.locator("[data-amount]").inner_text() == "£52"
    page.get_by_role("button", name="Continue to payment").click()
    card_pay(page, demo_with_pay, CARD_DECLINED)

    page.wait_for_url(f"{live_server.url}/services/**/done/")
    checked.check("pay page after a declined card")
    assert "Your card was declined" in page.content()
    page.get_by_role("button", name="Try paying again").click()
    card_pay(page, demo_with_pay)

    page.wait_for_url(f"{live_server.url}/services/**/done/")
    checked.check("confirmation after paying")
    assert page.locator(".govuk-panel--confirmation").is_visible()
    assert "You have paid £52 " in page.locator("[data-paid]").inner_text()
    payments = list(Payment.objects.order_by("created_at").values_list("status", "code"))
    assert payments == [("failed", "P0010"), ("success", "")]
