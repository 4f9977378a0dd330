"""The service builder's whole journey in a real Chromium (issue 16): a designer builds
"Report an overgrown hedge" in the browser (three pages, a branch on a yes/no answer, a photo,
a location) with the contract's visible labels only, previews and publishes it; a resident
on a phone finds it from the home page in two clicks and sends it; the case lands in the
chosen team's queue at /staff/. axe-core checks every builder page visited."""

import re
from pathlib import Path

import pytest

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.catalogue.models import Service
from townhall.core.tests.browser import DESKTOP, PHONE, new_page
from townhall.desk.tests.factories import user_make
from townhall.portal.tests.fixtures import make_street, photo_bytes
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Journey-pass-12345"
NAME = "Report an overgrown hedge"
BLOCKING = "Is the hedge blocking a path or road?"


def _staff(browser, live_server, user: User):
    """A desktop page signed in at /staff/ as `user`."""
    desk = new_page(browser, viewport=DESKTOP)
    desk.page.goto(live_server.url + "/staff/")
    desk.page.get_by_label("Email address").fill(user.email)
    desk.page.get_by_label("Password", exact=True).fill(PASSWORD)
    desk.page.get_by_role("button", name="Sign in").click()
    desk.page.wait_for_url("**/staff/")
    return desk


def _add_page_with_question(
    desk, question: str, answer_type: str, *, required: bool, check: bool = False
) -> None:
    """From the form's page: "Add a page", then "Add a question" on it, and back.
    With `check`, axe runs on each page on the way (once is enough: the others are alike)."""
    page = desk.page
    page.get_by_role("link", name="Add a page").click()
    if check:
        desk.check("add a page")
    page.get_by_role("button", name="Add a page").click()
    page.wait_for_url(re.compile(r".*/pages/[\w-]+/$"))
    page_url = page.url
    if check:
        desk.check("a new page")
    page.get_by_role("link", name="Add a question").click()
    if check:
        desk.check("add a question")
    page.get_by_label("Question", exact=True).fill(question)
    page.get_by_role("group", name="Answer type").get_by_label(answer_type, exact=True).check()
    page.get_by_label("Required", exact=True).set_checked(required)
    page.get_by_role("button", name="Save question").click()
    page.wait_for_url(page_url)
    assert page.locator("strong", has_text=question).is_visible()
    page.get_by_role("link", name="Back to the form").click()


def _build_and_publish(desk, team) -> None:
    page = desk.page
    page.get_by_role("link", name="Create a service").click()
    desk.check("create")
    page.get_by_label("Service name").fill(NAME)
    page.get_by_label("Summary").fill("Tell us about a hedge growing over a path or road.")
    page.get_by_label("Team").select_option(team.slug)
    page.get_by_label("Request", exact=True).check()
    page.get_by_role("button", name="Create a service").click()
    page.wait_for_url("**/staff/services/report-an-overgrown-hedge/")
    desk.check("the new service")

    page.get_by_role("link", name="Edit the form").click()
    desk.check("the empty form")
    _add_page_with_question(desk, BLOCKING, "Yes or no", required=True, check=True)
    _add_page_with_question(desk, "Add a photo of the hedge", "Photo", required=False)
    _add_page_with_question(desk, "Where is the hedge?", "Location", required=True)
    desk.check("the form, three pages")

    # The branch: a hedge that blocks nothing needs no photo.
    page.get_by_role("link", name=f"Change Page 1: {BLOCKING}").click()
    first = page.url
    page.get_by_label("If the answer to").first.select_option(label=BLOCKING)
    page.get_by_label("This answer").first.fill("no")
    page.get_by_label("Go to", exact=True).first.select_option(label="Page 3: Where is the hedge?")
    page.get_by_role("button", name="Save where to go next").click()
    page.wait_for_url(first)
    assert page.locator(".govuk-error-summary").count() == 0
    desk.check("the first page, with its branch")

    page.get_by_role("link", name="Back to the form").click()
    page.get_by_role("link", name="Preview").click()
    desk.check("preview")
    frame = page.frame_locator("iframe.th-preview-frame")
    assert frame.get_by_text(BLOCKING).first.is_visible()
    # The branch, tried in the preview: No skips the photo.
    frame.get_by_label("No", exact=True).check()
    frame.get_by_role("button", name="Continue").click()
    frame.get_by_role("heading", name="Where is the hedge?").wait_for()

    page.get_by_role("link", name="Back to the form").click()
    page.get_by_role("link", name=f"Back to {NAME}").click()
    page.get_by_role("link", name="Publish", exact=True).click()
    desk.check("publish")
    page.get_by_label("What changed?").fill("The first version of the hedge report.")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url("**/staff/services/report-an-overgrown-hedge/")
    desk.check("published")
    assert page.locator("[data-version='1']").is_visible()


def _resident_sends(browser, live_server, photo: Path) -> str:
    """A resident on a phone, signed out: home, A to Z, the service (two clicks), then the
    form, answering Yes so the photo page is asked. Returns the case reference."""
    phone = new_page(browser, viewport=PHONE)
    page = phone.page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="All services A to Z").click()
    page.get_by_role("link", name=NAME).click()
    assert page.url == f"{live_server.url}/services/report-an-overgrown-hedge/"
    phone.check("start page")
    page.get_by_role("button", name="Start now").click()

    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.set_input_files("input[type=file]", str(photo))
    page.get_by_role("button", name="Continue").click()

    map_el = page.locator("[data-map]")
    map_el.wait_for(state="visible")
    box = map_el.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.locator("[data-lat]").input_value() != ""
    page.get_by_role("button", name="Continue").click()

    phone.check("check answers")
    assert page.get_by_text(BLOCKING, exact=True).is_visible()
    page.get_by_role("button", name="Accept and send").click()
    phone.check("confirmation")
    return page.locator("[data-reference]").inner_text().strip()


def test_a_designer_builds_a_service_a_resident_sends_it_and_the_team_sees_it(
    live_server, browser, tmp_path
):
    demo = demo_catalogue_with_processes()
    make_street()  # the gazetteer that says the map's centre is in the borough
    team = demo["report-fly-tipping"].default_team
    assert team is not None
    designer = user_make(role=User.Role.DESIGNER, full_name="Dee Signer")
    officer = user_make(departments=[team.department], full_name="Olive Officer")
    officer.teams.add(team)
    for user in (designer, officer):
        user.set_password(PASSWORD)
        user.save()
    photo = tmp_path / "hedge.jpg"
    photo.write_bytes(photo_bytes(size=(640, 480)))

    desk = _staff(browser, live_server, designer)
    desk.page.goto(live_server.url + "/staff/services/")
    desk.check("services")
    _build_and_publish(desk, team)

    reference = _resident_sends(browser, live_server, photo)
    case = Case.objects.get(reference=reference)
    assert case.service == Service.objects.get(slug="report-an-overgrown-hedge")
    assert case.team == team
    assert case.attachments.count() == 1
    assert case.lat is not None and case.lon is not None
    # What the designer built is what the resident was asked: three pages, the branch.
    assert case.submission is not None
    pages = case.submission.form_version.definition["pages"]
    assert [[f["label"] for f in p["fields"]] for p in pages] == [
        [BLOCKING],
        ["Add a photo of the hedge"],
        ["Where is the hedge?"],
    ]
    assert [f.get("required", False) for p in pages for f in p["fields"]] == [True, False, True]
    assert [(b["when"]["value"], b["goto"]) for b in pages[0]["next"]] == [("no", pages[2]["id"])]

    # The team's officer finds it in their queue, and in their teams' queue.
    queue = _staff(browser, live_server, officer)
    assert queue.page.get_by_role("link", name=reference).is_visible()
    queue.page.get_by_label("Team", exact=True).select_option(label="My teams")
    queue.page.get_by_role("button", name="Apply filters").click()
    queue.page.wait_for_url("**/staff/?*team=mine*")
    assert queue.page.get_by_role("link", name=reference).is_visible()
