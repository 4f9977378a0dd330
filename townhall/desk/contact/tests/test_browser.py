"""An agent raises a missed-bin report for a caller, in a real Chromium: sign in, find the
caller by postcode, open their single view, raise the request with the public form (phone
channel), get the reference, then log an avoidable call. axe-core checks every page, and the
search page is checked again at 320 px wide."""

import pytest

from townhall.cases.models import Case
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.contact.models import ContactLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Agent-demo-1"


def test_agent_raises_a_missed_bin_report_for_a_caller(
    live_server, browser, agent, caller, missed_bin
):
    agent.set_password(PASSWORD)
    agent.save()
    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    page.goto(live_server.url + "/staff/contact/")
    page.get_by_label("Email address").fill(agent.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/contact/")
    desk.check("contact centre search")

    page.get_by_label("Name, postcode, address, email, phone or case reference").fill("tn23 1aa")
    page.get_by_role("button", name="Search").click()
    desk.check("search results")
    page.get_by_role("link", name="Jane Smith").click()
    page.wait_for_url(f"**/staff/contact/people/{caller.pk}/")
    desk.check("single view")

    page.get_by_role("link", name="Raise a request").click()
    desk.check("raise a request")
    page.get_by_role("button", name="Start the form").click()
    desk.check("raise a request: errors")
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Service", exact=True).select_option(label="Report a missed bin collection")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_role("button", name="Start the form").click()

    page.wait_for_url("**/address/")
    desk.check("form: address")
    page.get_by_label("Select an address").select_option(value="901001000003")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/bin-type/")
    desk.check("form: bin type")
    page.get_by_label("Recycling (blue bin)").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/bin-out/")
    desk.check("form: bin out")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/details/")
    desk.check("form: details")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/check/")
    desk.check("check answers")
    page.get_by_role("button", name="Accept and send").click()
    page.wait_for_url("**/done/")
    desk.check("request raised")

    case = Case.objects.get()
    assert page.locator("[data-reference]").inner_text() == case.reference
    assert (case.resident_id, case.raised_by_id, case.channel) == (caller.pk, agent.pk, "phone")

    page.get_by_role("link", name="See the request").click()
    desk.check("case summary")
    page.get_by_role("link", name="Back to the caller").click()
    assert case.reference in page.locator("[data-cases]").inner_text()
    assert "Request raised" in page.locator("[data-contacts]").inner_text()

    page.get_by_role("link", name="Log a call").click()
    desk.check("log a call")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("To chase or ask about a request").check()
    page.get_by_label("Progress update given").check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("If it was avoidable, why?").select_option("chasing")
    page.get_by_role("button", name="Log the call").click()
    page.wait_for_url(f"**/staff/contact/people/{caller.pk}/")
    desk.check("single view after logging")
    assert ContactLog.objects.filter(avoidable_reason="chasing").count() == 1

    narrow = new_page(browser, viewport={"width": 320, "height": 640})
    narrow.page.context.add_cookies(page.context.cookies())
    narrow.page.goto(live_server.url + "/staff/contact/?q=Jane")
    narrow.check("search at 320 px")
    wide = narrow.page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert wide == []
    narrow.page.goto(live_server.url + f"/staff/contact/people/{caller.pk}/")
    narrow.check("single view at 320 px")
    assert narrow.page.evaluate("document.documentElement.scrollWidth") <= 320
