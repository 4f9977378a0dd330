"""The data team's journey through the golden record in a real Chromium: find a person, read
the single view, review a link (with an error first), forensics and data quality. axe-core
checks every page, on a desktop and on a 320 px phone."""

import re

import pytest

from townhall.accounts.models import User
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.tests.factories import user_make
from townhall.records.models import Link
from townhall.records.tests.factories import residents_in_three_systems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Manager-demo-1"


def _data():
    residents_in_three_systems(
        third_voter={
            "first_name": "A",
            "surname": "JONES",
            "address": "9 OTHER RD",
            "postcode": "TN24 2BB",
        }
    )


def _sign_in(page, base, user):
    page.goto(base + "/staff/records/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/records/")


def test_data_team_reviews_and_reads_the_golden_record(live_server, browser):
    _data()
    manager = user_make(role=User.Role.MANAGER)
    manager.set_password(PASSWORD)
    manager.save()
    Link.objects.update(status=Link.Status.REVIEW)  # give the queue something to show

    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    _sign_in(page, live_server.url, manager)
    desk.check("records home")
    page.get_by_label("Name").fill("Robert Smith")
    page.get_by_role("button", name="Search").click()
    desk.check("search results")
    page.get_by_role("link", name=re.compile(r"^Person \d+$")).first.click()
    desk.check("single view")
    assert page.locator("[data-golden]").is_visible()
    assert page.locator("[data-record]").count() == 2

    page.goto(live_server.url + "/staff/records/review/")
    desk.check("review queue")
    page.locator("table a").first.click()
    desk.check("link")
    page.get_by_role("button", name="Save decision").click()
    desk.check("link error")
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Same person: accept the link").check()
    page.get_by_role("button", name="Save decision").click()
    desk.check("after decision")

    page.goto(live_server.url + "/staff/records/forensics/")
    desk.check("forensics")
    assert page.locator("[data-finding=duplicate_claim]").count() >= 1
    page.goto(live_server.url + "/staff/records/quality/")
    desk.check("quality")


def test_single_view_at_320px(live_server, browser):
    _data()
    agent = user_make(role=User.Role.AGENT)
    agent.set_password(PASSWORD)
    agent.save()
    phone = new_page(browser, viewport={"width": 320, "height": 700})
    page = phone.page
    _sign_in(page, live_server.url, agent)
    page.get_by_label("Name").fill("Anne Jones")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile(r"^Person \d+$")).first.click()
    phone.check("single view on a phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
