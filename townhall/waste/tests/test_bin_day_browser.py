"""Bin day in a real Chromium: every page passes axe, and the journey ends at a calendar feed."""

import pytest
from django.core.cache import cache
from icalendar import Calendar

from townhall.accounts.models import Department
from townhall.core.tests.browser import DESKTOP, PHONE, new_page
from townhall.desk.tests.factories import user_make
from townhall.waste.tests.factories import address_make, round_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bin_day_journey_to_the_calendar_passes_axe(live_server, browser):
    cache.clear()
    home = address_make(postcode="TN23 9ZY")
    round_make(stream="refuse", weekday=1, week="A", addresses=(home,))
    round_make(stream="food", weekday=1, frequency="weekly", addresses=(home,))
    checked = new_page(browser, viewport=PHONE)
    page = checked.page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Find your bin collection day").click()
    checked.check("postcode")
    page.get_by_role("button", name="Find address").click()
    assert page.locator(".govuk-error-summary").is_visible()
    checked.check("postcode: empty")
    page.get_by_label("Postcode").fill("tn23 9zy")
    page.get_by_role("button", name="Find address").click()
    checked.check("address")
    page.get_by_label("Select your address").select_option(home.uprn)
    page.get_by_role("button", name="Show bin days").click()
    checked.check("bin day")
    assert page.get_by_role("heading", name="Your bin collection days").is_visible()
    link = page.get_by_role("link", name="Add your bin collection days to your calendar")
    feed = page.request.get(live_server.url + link.get_attribute("href"))
    events = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert len(events) >= 8


def test_waste_desk_pages_pass_axe(live_server, browser):
    cache.clear()
    waste = Department.objects.create(slug="waste-and-street-scene", name="Waste and street scene")
    officer = user_make(departments=[waste])
    officer.set_password("Officer-pass-12345")
    officer.save()
    home = address_make()
    round_ = round_make(addresses=(home,))
    checked = new_page(browser, viewport=DESKTOP)
    page = checked.page
    page.goto(live_server.url + "/staff/waste/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill("Officer-pass-12345")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/waste/")
    checked.check("rounds")
    page.get_by_role("link", name=round_.code).click()
    checked.check("a round")
    page.get_by_role("button", name="Save the change").click()
    assert page.locator(".govuk-error-summary").is_visible()
    checked.check("a round: error")
    page.goto(live_server.url + "/staff/waste/import/")
    checked.check("import")
    page.goto(live_server.url + f"/staff/waste/addresses/{home.uprn}/")
    checked.check("an address")
