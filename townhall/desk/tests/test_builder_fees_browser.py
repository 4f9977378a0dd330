"""The fees page and the settings page's process and notifications in Chromium, at desktop
width and at 320 px: a designer adds a fee rule with the keyboard-reachable controls, tries
the fee out, and axe-core checks every page with its error states (a kind not chosen, a rule
refused, a rule the form has broken, a template ID refused)."""

import copy

import pytest

from townhall.accounts.models import User
from townhall.builder.drafts import service_create, service_draft, service_draft_save
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.tests.factories import user_make
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Designer-pass-12345"
NARROW = {"width": 320, "height": 720}
FORM = {
    "title": "Book a bulky collection",
    "pages": [
        {
            "id": "items",
            "fields": [
                {"name": "count", "type": "number", "integer": True, "label": "How many items?",
                 "required": True},
                {"name": "kinds", "type": "checkboxes", "label": "What kinds?", "required": True,
                 "options": [{"value": "sofa", "label": "Sofa"},
                             {"value": "fridge", "label": "Fridge"}]},
                {"name": "benefits", "type": "yesno", "label": "Do you get benefits?",
                 "required": True},
            ],
        }
    ],
}  # fmt: skip


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_the_fees_pages_pass_axe_with_their_errors(live_server, browser, viewport):
    demo = demo_catalogue_with_processes()
    team = demo["report-fly-tipping"].default_team
    service = service_create(name="Book a bulky collection", summary="Big things.", team=team,
                             kind="request")  # fmt: skip
    draft = service_draft(service)
    data = copy.deepcopy(draft.data)
    data["form"] = {"definition": FORM}
    service_draft_save(service=service, data=data, revision=draft.revision, actor=None, change="f")
    designer = user_make(role=User.Role.DESIGNER, full_name="Dee Signer")
    designer.set_password(PASSWORD)
    designer.save()

    desk = new_page(browser, viewport=viewport)
    page = desk.page
    base = live_server.url + f"/staff/services/{service.slug}/"
    page.goto(base)
    page.get_by_label("Email address").fill(designer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/staff/services/{service.slug}/")
    page.get_by_role("link", name="Fees").click()
    desk.check("fees, no rules")

    page.get_by_role("link", name="Add a fee rule").click()
    desk.check("add a rule: what it charges")
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".govuk-error-summary").is_visible()
    desk.check("add a rule: kind not chosen")
    page.get_by_label("An amount for each item").check()
    page.get_by_role("button", name="Continue").click()
    desk.check("add a rule: per item")
    page.get_by_label("Amount for each item, in pounds").fill("eight")
    page.get_by_role("button", name="Save the rule").click()
    assert page.locator(".govuk-error-summary").is_visible()
    desk.check("add a rule: refused")
    page.get_by_label("Label", exact=True).fill("Each item after the first")
    page.get_by_label("The question it reads").select_option("kinds")
    page.get_by_label("Amount for each item, in pounds").fill("£8.50")
    page.get_by_label("Items included, not charged by this rule (optional)").fill("1")
    page.get_by_role("button", name="Save the rule").click()
    page.wait_for_url(f"**/staff/services/{service.slug}/fees/")

    page.goto(base + "fees/add/?kind=per_option")
    desk.check("add a rule: option prices")
    page.goto(base + "fees/add/?kind=discount")
    desk.check("add a rule: discount")

    page.goto(base + "fees/")
    page.get_by_label("Sofa").check()
    page.get_by_label("Fridge").check()
    page.get_by_role("button", name="Work out the fee").click()
    assert page.locator("[data-total]").inner_text() == "£8.50"
    desk.check("fees, tried")
    page.get_by_role("link", name="Change rule 1").click()
    desk.check("change a rule")

    # The form loses the question the rule reads: the problem is listed with a link.
    draft = service_draft(service)
    data = copy.deepcopy(draft.data)
    data["form"]["definition"]["pages"][0]["fields"].pop(1)
    service_draft_save(service=service, data=data, revision=draft.revision, actor=None, change="x")
    page.goto(base + "fees/")
    assert page.locator("[data-problems]").is_visible()
    desk.check("fees, with problems")

    page.goto(base + "settings/")
    desk.check("settings with process and notifications")
    page.locator("#notify_created_email").fill("not-an-id")
    page.get_by_role("button", name="Save settings").click()
    assert page.locator(".govuk-error-summary").is_visible()
    desk.check("settings, template ID refused")
