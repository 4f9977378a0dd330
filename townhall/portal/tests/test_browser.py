"""The resident's journey in a real Chromium on a phone: report fly-tipping with a photo and a
map pin, get the reference, see it in My Account; an officer sets it in progress at /staff/;
the resident sees the change and has an email. axe-core checks every page visited."""

import re
from pathlib import Path

import pytest
from django.core import mail

from townhall.accounts.models import Department, User
from townhall.cases.models import Case
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.portal.tests.fixtures import make_resident, make_service, make_street, photo_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_resident_reports_fly_tipping_on_a_phone_and_sees_the_officers_update(
    live_server, browser, tmp_path
):
    make_street()
    service = make_service()
    resident = make_resident()
    officer = User.objects.create_user(
        "waste.officer@example.gov.uk", "Officer-demo-1", full_name="Wes Officer", role="officer"
    )
    officer.departments.add(Department.objects.get(slug="waste"))
    photo = Path(tmp_path / "fly-tip.jpg")
    photo.write_bytes(photo_bytes(gps=(51.1466, 0.8753), size=(640, 480)))

    phone = new_page(browser)
    page = phone.page
    page.goto(live_server.url + "/")
    phone.check("home")
    page.get_by_role("link", name="Sign in").first.click()
    phone.check("sign in")
    page.get_by_label("Email address").fill(resident.email)
    page.get_by_label("Password", exact=True).fill("Correct-horse-7")
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=service.name).click()
    phone.check("start page")
    page.get_by_role("button", name="Start now").click()

    # Photos first: the photo's GPS suggests where the pin goes, then is stripped.
    phone.check("photos page")
    page.set_input_files("input[type=file]", str(photo))
    page.get_by_role("button", name="Continue").click()

    phone.check("map page")
    map_el = page.locator("[data-map]")
    map_el.wait_for(state="visible")
    assert page.locator("[data-lat]").input_value() != ""  # pin from the photo's position
    box = map_el.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 10, box["y"] + box["height"] / 2 + 5)
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("button", name="Continue").click()  # nothing chosen: the error state
    phone.check("error state")
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Furniture").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("A small van load").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Describe the problem").fill("A sofa and two chairs by the garages.")
    page.get_by_role("button", name="Continue").click()

    phone.check("check answers")
    page.get_by_role("button", name="Accept and send").click()
    phone.check("confirmation")
    reference = page.locator("[data-reference]").inner_text().strip()
    assert re.fullmatch(r"FT-\d{4}-\d{6}", reference)

    page.get_by_role("link", name="My account").click()
    phone.check("my account")
    assert page.get_by_role("link", name=reference).is_visible()

    # The officer, on a desktop, moves the case on.
    desk = new_page(browser, viewport=DESKTOP)
    desk.page.goto(live_server.url + "/account/sign-in/")
    desk.page.get_by_label("Email address").fill(officer.email)
    desk.page.get_by_label("Password", exact=True).fill("Officer-demo-1")
    desk.page.get_by_role("button", name="Sign in").click()
    desk.page.goto(live_server.url + "/staff/")
    desk.check("desk queue")
    desk.page.get_by_label("Search").first.fill(reference)
    desk.page.get_by_label("Search").first.press("Enter")
    desk.check("desk case")
    desk.page.get_by_label("In progress").check()
    desk.page.get_by_label("Public note").fill("Our crew will clear it tomorrow morning.")
    desk.page.get_by_role("button", name="Change status").click()
    desk.check("desk after change")

    page.get_by_role("link", name=reference).click()
    phone.check("request detail")
    assert "In progress" in page.locator("[data-status]").inner_text()
    assert page.get_by_text("Our crew will clear it tomorrow morning.").is_visible()

    case = Case.objects.get(reference=reference)
    assert case.status == "in_progress" and case.attachments.count() == 1
    subjects = [m.subject for m in mail.outbox if m.to == [resident.email]]
    assert any("in progress" in s for s in subjects), subjects
