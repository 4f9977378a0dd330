"""A resident pays for a garden waste subscription on a phone: declined first, then paid.
GOV.UK Pay is the local sandbox, a real separate HTTP server; axe checks our pages."""

import pytest
from django.core.management import call_command

from townhall.catalogue.models import Service
from townhall.core.tests.browser import PHONE, new_page
from townhall.payments.models import Payment
from townhall.portal.tests.test_accessibility import answer_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_is_declined_then_pays_and_sees_the_confirmation(
    live_server, browser, pay_sandbox, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("load_demo", "--cases", "0", verbosity=0)
    service = Service.objects.get(slug="subscribe-to-garden-waste-collection")
    checked = new_page(browser, viewport=PHONE)
    page = checked.page
    page.goto(f"{live_server.url}/services/{service.slug}/")
    page.get_by_role("button", name="Start now").click()
    for _ in range(15):
        if "/check/" in page.url:
            break
        answer_page(page)
        page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Accept and send").click()

    checked.check("pay page")
    assert page.locator("[data-amount]").inner_text() == "£52"
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(f"{pay_sandbox.url}/card/**")
    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(f"{live_server.url}/services/**/done/")
    checked.check("pay page after a declined card")
    assert "Your card was declined" in page.content()
    page.get_by_role("button", name="Try paying again").click()
    page.wait_for_url(f"{pay_sandbox.url}/card/**")
    page.get_by_label("Card number").fill("4444 3333 2222 1111")
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(f"{live_server.url}/services/**/done/")
    checked.check("confirmation after paying")
    assert page.locator(".govuk-panel--confirmation").is_visible()
    assert "You have paid £52 " in page.locator("[data-paid]").inner_text()
    payments = list(Payment.objects.order_by("created_at").values_list("status", "code"))
    assert payments == [("failed", "P0010"), ("success", "")]
