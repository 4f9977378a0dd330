"""The officer's first journey in a real Chromium on a desktop: sign in, search a reference,
open the case, get an error, then change its status with a public note; the resident is
emailed. axe-core checks every desk page visited."""

import pytest
from django.core import mail

from townhall.accounts.models import User
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.tests.factories import case_make, user_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Officer-demo-1"


def test_officer_finds_a_case_and_moves_it_on(live_server, browser, waste, housing):
    officer = user_make(role=User.Role.OFFICER, departments=[waste.department])
    officer.set_password(PASSWORD)
    officer.save()
    case = case_make(service=waste, location_text="Garages behind Elm Road", notify=False)
    case_make(service=housing)

    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    page.goto(live_server.url + "/staff/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
    desk.check("desk queue")
    assert page.get_by_role("link", name=case.reference).is_visible()

    page.get_by_role("link", name="Work items").click()
    page.wait_for_url("**/staff/work/")
    desk.check("work items")
    page.get_by_role("link", name="Cases").click()
    page.wait_for_url("**/staff/")

    page.get_by_label("Search").first.fill(case.reference)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(f"**/staff/cases/{case.reference}/")
    desk.check("case page")

    page.get_by_label("Closed").check()
    page.get_by_role("button", name="Change status").click()
    desk.check("error state")
    assert page.locator(".govuk-error-summary").is_visible()

    # Another form refused: its own field carries the error, the summary links to it.
    page.get_by_label("Duplicate of another case?").fill("nope-1")
    page.get_by_role("button", name="Merge as duplicate").click()
    desk.check("merge refused")
    page.locator(".govuk-error-summary a", has_text="No case NOPE-1").click()
    assert page.locator("#original-error").is_visible()
    assert page.get_by_label("Duplicate of another case?").input_value() == "nope-1"

    page.get_by_label("In progress").check()
    page.get_by_label("Public note").fill("Our crew will clear it tomorrow morning.")
    page.get_by_role("button", name="Change status").click()
    desk.check("after change")
    assert page.locator(".govuk-notification-banner--success").is_visible()
    assert "In progress" in page.locator("[data-status]").inner_text()

    case.refresh_from_db()
    assert case.status == "in_progress"
    assert [m.to for m in mail.outbox] == [[case.contact_email]]
