"""The form builder in a real Chromium: one question added by keyboard alone (Tab, Enter,
Space and typing), and axe-core on every form-builder page, error states included, on a
desktop and at 320 px."""

import pytest

from townhall.accounts.models import User
from townhall.builder.drafts import service_draft
from townhall.builder.form_drafts import draft_definition, form_draft_edit
from townhall.builder.form_editing import page_add, question_add
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.tests.factories import service_make, user_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Designer-test-1"
NARROW = {"width": 320, "height": 800}


def _sign_in(browser, live_server, viewport, email: str):
    desk = new_page(browser, viewport=viewport)
    desk.page.goto(live_server.url + "/staff/")
    desk.page.get_by_label("Email address").fill(email)
    desk.page.get_by_label("Password", exact=True).fill(PASSWORD)
    desk.page.get_by_role("button", name="Sign in").click()
    desk.page.wait_for_url("**/staff/")
    return desk


def _tab_to(page, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element reads `text` (a link, a button or a label's input)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " const label = e.labels && e.labels[0] ? e.labels[0].innerText : '';"
            " return (e.innerText || label || '').trim(); }"
        )
        if focused == text:
            return
    raise AssertionError(f"Tab never reached {text!r}")


@pytest.fixture
def designer(db):
    user = user_make(role=User.Role.DESIGNER, full_name="Dee Signer")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_question_is_added_by_keyboard_alone(live_server, browser, designer):
    service = service_make(name="Report an overgrown hedge")
    desk = _sign_in(browser, live_server, DESKTOP, designer.email)
    page = desk.page
    page.goto(f"{live_server.url}/staff/services/{service.slug}/form/")

    _tab_to(page, "Add a page")
    page.keyboard.press("Enter")
    page.wait_for_url("**/pages/new/")
    _tab_to(page, "Page title (optional)")
    page.keyboard.type("The hedge")
    _tab_to(page, "Add a page")
    page.keyboard.press("Enter")
    page.wait_for_url("**/pages/the-hedge/")

    _tab_to(page, "Add a question")
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/new/")
    _tab_to(page, "Save question")
    page.keyboard.press("Enter")  # nothing typed: the error state
    page.locator(".govuk-error-summary").wait_for()
    _tab_to(page, "Enter the question")
    page.keyboard.press("Enter")  # the summary's link goes to the question's input
    page.keyboard.type("Where is the hedge?")
    _tab_to(page, "Required")
    page.keyboard.press("Space")  # not required...
    page.keyboard.press("Space")  # ...required after all
    _tab_to(page, "Save question")
    page.keyboard.press("Enter")
    page.wait_for_url("**/pages/the-hedge/")
    assert page.locator("strong", has_text="Where is the hedge?").is_visible()
    fields = draft_definition(service_draft(service))["pages"][0]["fields"]
    assert fields == [
        {
            "name": "where_is_the_hedge",
            "type": "text",
            "label": "Where is the hedge?",
            "required": True,
        }
    ]


def _hedge(service, actor) -> None:
    """A draft form of two pages, a yes/no branching past a photo, for the axe walk."""

    def build(definition):
        definition, first = page_add(definition, title="")
        definition, _ = question_add(
            definition,
            first,
            answer={"answer_type": "yesno", "label": "Is it blocking a path?", "required": True},
        )
        definition, second = page_add(definition, title="A photo")
        definition, _ = question_add(
            definition, second, answer={"answer_type": "photo", "label": "Add a photo"}
        )
        definition["pages"][0]["next"] = [
            {"when": {"field": "is_it_blocking_a_path", "op": "eq", "value": "no"}, "goto": "check"}
        ]
        return definition

    draft = service_draft(service, actor=actor)
    form_draft_edit(
        service=service, revision=draft.revision, actor=actor, change="test", edit=build
    )


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_every_form_builder_page_passes_axe(live_server, browser, designer, viewport):
    service = service_make(name="Report an overgrown hedge")
    _hedge(service, designer)
    desk = _sign_in(browser, live_server, viewport, designer.email)
    page = desk.page
    base = f"{live_server.url}/staff/services/{service.slug}/form/"
    for rest, label in [
        ("", "pages list"),
        ("pages/new/", "add a page"),
        ("pages/page-1/", "a page"),
        ("pages/page-1/questions/new/", "add a question"),
        ("questions/is_it_blocking_a_path/", "question edit"),
        ("wording/", "wording"),
        ("preview/", "preview"),
        ("preview/frame/?page=page-1", "preview frame"),
        ("preview/frame/?page=check", "preview check answers"),
        ("preview/frame/?page=done", "preview confirmation"),
    ]:
        page.goto(base + rest)
        desk.check(label)

    page.goto(base + "pages/page-1/questions/new/")
    page.get_by_label("Pattern the answer must match (optional)").fill("([A-Z")
    page.get_by_role("button", name="Save question").click()
    page.locator(".govuk-error-summary").wait_for()
    desk.check("add a question, refused")

    page.goto(base + "pages/page-1/")
    page.get_by_label("This answer").first.fill("perhaps")
    page.get_by_role("button", name="Save where to go next").click()
    page.locator(".govuk-error-summary").wait_for()
    desk.check("branches, refused")

    page.goto(base + "preview/frame/?page=page-1")
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-error-summary").wait_for()
    desk.check("preview, refused")
