"""An officer who chose Welsh works the queue and a Welsh resident's case in a real Chromium:
the pages are in Welsh, say so (`lang="cy"`), and pass axe-core."""

import pytest
from django.conf import settings
from django.test import Client

from townhall.accounts.models import User
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.tests.factories import case_make, user_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_welsh_queue_and_case_page_pass_axe(live_server, browser, waste):
    officer = user_make(role=User.Role.OFFICER, departments=[waste.department])
    case = case_make(service=waste, language="cy", summary="Sbwriel wrth y giât")
    case_make(service=waste)
    # Signed in as the test client would be; the browser carries the same session.
    client = Client()
    client.force_login(officer)
    host = live_server.url.split("://", 1)[1].split(":")[0]
    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "cy", "domain": host, "path": "/"},
        ]
    )

    page.goto(live_server.url + "/staff/")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", name="Achosion", exact=True).is_visible()
    assert page.locator(f"tr:has-text('{case.reference}') [data-welsh]").inner_text() == "Cymraeg"
    desk.check("Welsh queue")

    page.get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"**/staff/cases/{case.reference}/")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("button", name="Newid y statws").is_visible()
    desk.check("Welsh case page")

    # Back to English with the switch, on the same page.
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"**/staff/cases/{case.reference}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Change status").is_visible()
