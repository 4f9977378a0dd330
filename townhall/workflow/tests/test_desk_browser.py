"""The desk's process panel in a real Chromium, checked by axe-core, on a desktop and at
320 px: work items with their choices, and the needs-attention banner."""

import pytest

from townhall.accounts.models import Department, User
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.workflow.tests.helpers import case_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Officer-demo-1"


def test_officer_works_a_fly_tip_and_retries_a_failed_process(
    live_server, browser, catalogue_committed, monkeypatch
):
    from townhall.workflow import registry

    officer = User.objects.create_user(
        "crew.officer@example.gov.uk", PASSWORD, role=User.Role.OFFICER
    )
    officer.departments.set([Department.objects.get(slug="waste-and-street-scene")])
    fly = catalogue_committed["report-fly-tipping"]
    case = case_open(fly, {"waste_types": ["furniture"], "amount": "single_bag"})

    def broken(ctx, **params):
        raise registry.OperationError("Contractor API said: postcode missing")

    monkeypatch.setitem(registry.OPERATIONS, "contractor_job_send", broken)
    failed = case_open(fly, {"waste_types": ["asbestos"]})
    monkeypatch.undo()

    for viewport in (DESKTOP, {"width": 320, "height": 800}):
        desk = new_page(browser, viewport=viewport)
        page = desk.page
        page.goto(live_server.url + "/staff/")
        page.get_by_label("Email address").fill(officer.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/staff/")
        page.goto(f"{live_server.url}/staff/cases/{failed.reference}/")
        desk.check("needs attention banner")
        assert page.get_by_text("Contractor API said: postcode missing").is_visible()
        page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
        desk.check("work items")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"page scrolls sideways at {viewport['width']} px"
        page.context.close()

    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    page.goto(live_server.url + "/staff/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
    page.get_by_role("button", name="Mark as done").click()
    desk.check("error: no outcome")
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Cleared").check()
    page.get_by_role("button", name="Mark as done").click()
    desk.check("after done")
    assert page.get_by_role("heading", name="Check the evidence photo").is_visible()

    page.goto(f"{live_server.url}/staff/cases/{failed.reference}/")
    page.get_by_role("button", name="Retry").click()
    desk.check("after retry")
    assert page.get_by_text("The process is running again.").is_visible()
