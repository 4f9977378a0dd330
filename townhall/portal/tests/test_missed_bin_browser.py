"""Reporting a missed bin in a real Chromium, every page checked with axe: first too early
(the outcome page says when to report), then the day after, in the window (a case)."""

from datetime import date, datetime, time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.models import Department
from townhall.builder.services import service_import
from townhall.cases.models import Case
from townhall.cases.services import case_create
from townhall.catalogue.models import Service
from townhall.core.calendars import LONDON
from townhall.core.tests.browser import DESKTOP, PHONE, new_page
from townhall.demo.contractors import demo_contractors_load
from townhall.desk.tests.factories import user_make
from townhall.eforms.selectors import outcome_values_sign
from townhall.waste.tests.factories import address_make, round_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "report-a-missed-bin-collection"
TUESDAY = date(2026, 12, 8)  # a weekly refuse round's day; the crew is done by 3pm


@pytest.fixture
def home(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    cache.clear()
    demo_contractors_load()
    path = Path(django_settings.BASE_DIR) / "townhall" / "demo" / "services" / f"{SLUG}.yaml"
    service_import(text=path.read_text())
    home = address_make(postcode="TN23 9ZW")
    round_make(stream="refuse", weekday=1, frequency="weekly", addresses=(home,))
    return home


def _to_the_bin(checked, base_url: str, home) -> None:
    page = checked.page
    page.goto(f"{base_url}/services/{SLUG}/")
    checked.check("start")
    page.get_by_role("button", name="Start now").click()
    page.locator("input[name='address-query']").fill("TN23 9ZW")
    page.get_by_role("button", name="Find").first.click()
    page.locator("select[name='address-uprn']").wait_for()
    page.locator("select[name='address-uprn']").select_option(home.uprn)
    checked.check("address")
    page.get_by_role("button", name="Continue").click()
    checked.check("bin")
    page.get_by_label("Rubbish (black bin)").check()
    page.get_by_role("button", name="Continue").click()


def test_too_early_then_in_the_window(live_server, browser, home, monkeypatch):
    moment = datetime.combine(TUESDAY, time(11), tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    checked = new_page(browser, viewport=PHONE)
    page = checked.page
    _to_the_bin(checked, live_server.url, home)
    page.wait_for_url("**/outcomes/too-early/**")
    checked.check("too early")
    assert page.get_by_role("heading", name="Your bin is still due to be collected today")
    assert page.get_by_text("The crew has until 3pm today to empty it.").is_visible()
    assert not Case.objects.exists()

    moment = datetime.combine(date(2026, 12, 9), time(16), tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    _to_the_bin(checked, live_server.url, home)
    page.wait_for_url("**/bin-out/")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    checked.check("details")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Full name").fill("Sam Resident")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_role("button", name="Continue").click()
    checked.check("check answers")
    page.get_by_role("button", name="Accept and send").click()
    checked.check("sent")
    case = Case.objects.get()
    assert page.get_by_text(case.reference).first.is_visible()


def test_every_outcome_page_of_a_missed_bin_passes_axe(live_server, browser, home):
    values = {
        "collection_day": "Tuesday 8 December",
        "report_from": "3pm today",
        "report_by": "Thursday 10 December",
        "crew_note": "No bin at the kerb at 9:12am.",
    }
    checked = new_page(browser, viewport=PHONE)
    for outcome in ("too-early", "too-late", "not-put-out", "no-collection"):
        url = reverse("portal:service_outcome", args=[SLUG, outcome])
        checked.page.goto(f"{live_server.url}{url}?values={outcome_values_sign(values)}")
        checked.check(outcome)
        assert checked.page.locator(f'[data-outcome="{outcome}"]').count() == 1
        assert "{" not in checked.page.locator("main").inner_text()


def test_the_assisted_collection_flag_on_the_desk_passes_axe(live_server, browser, home):
    waste = Department.objects.get(slug="waste-and-street-scene")
    officer = user_make(departments=[waste])
    officer.set_password("Officer-pass-12345")
    officer.save()
    service = Service.objects.get(slug=SLUG)
    cases = [
        case_create(service=service, summary="Refuse", uprn=home.uprn, notify=False)
        for _ in range(3)
    ]
    checked = new_page(browser, viewport=DESKTOP)
    page = checked.page
    page.goto(f"{live_server.url}/staff/waste/addresses/{home.uprn}/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill("Officer-pass-12345")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/staff/waste/addresses/{home.uprn}/")
    checked.check("address")
    assert page.get_by_text("Assisted collection candidate").is_visible()
    page.goto(f"{live_server.url}/staff/cases/{cases[-1].reference}/")
    checked.check("case")
    assert page.get_by_text("Assisted collection candidate").is_visible()
