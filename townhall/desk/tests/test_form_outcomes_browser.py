"""The form builder's outcomes in a real Chromium: axe-core on the outcome page, its error
state and the form's list with outcomes (an eligibility checker's, with its notice and
problems), on a desktop and at 320 px."""

import pytest

from townhall.accounts.models import User
from townhall.builder.drafts import service_draft
from townhall.builder.form_drafts import form_draft_edit
from townhall.builder.form_editing import branches_set, page_add, question_add
from townhall.builder.form_outcomes import outcome_add
from townhall.catalogue.models import Service
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.tests.factories import service_make, user_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Designer-test-1"
NARROW = {"width": 320, "height": 800}


def _checker(service, actor) -> None:
    """A question, two outcomes (one a branch ends on), and no 'otherwise': one problem."""

    def build(definition):
        definition, page = page_add(definition, title="")
        answer = {"answer_type": "yesno", "label": "Do you live in the borough?"}
        definition, _ = question_add(definition, page, answer=answer)
        definition, yes = outcome_add(
            definition,
            texts={
                "title": "You can get a bin",
                "title_cy": "Gallwch gael bin",
                "panel": True,
                "next_steps": "Apply for a bin | /services/garden-waste/",
            },
        )
        definition, _ = outcome_add(definition, texts={"title": "You cannot get a bin"})
        rule = {"question": "do_you_live_in_the_borough", "op": "eq", "value": "yes"}
        return branches_set(definition, page, rules=[{**rule, "goto": f"outcome:{yes}"}])

    draft = service_draft(service, actor=actor)
    form_draft_edit(
        service=service, revision=draft.revision, actor=actor, change="test", edit=build
    )


def test_the_outcome_pages_pass_axe_on_a_desktop_and_at_320px(live_server, browser):
    designer = user_make(role=User.Role.DESIGNER, full_name="Dee Signer")
    designer.set_password(PASSWORD)
    designer.save()
    service = service_make(name="Can I get a garden waste bin?")
    Service.objects.filter(pk=service.pk).update(kind=Service.Kind.ELIGIBILITY)
    _checker(service, designer)
    base = f"{live_server.url}/staff/services/{service.slug}/form/"
    for viewport in (DESKTOP, NARROW):
        desk = new_page(browser, viewport=viewport)
        page = desk.page
        page.goto(live_server.url + "/staff/")
        page.get_by_label("Email address").fill(designer.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/staff/")
        width = viewport["width"]

        page.goto(base)
        assert page.get_by_text("This is an eligibility checker").is_visible()
        assert page.get_by_text("Ends the journey from: Page 1").is_visible()
        desk.check(f"pages list with outcomes, {width}")

        page.goto(base + "outcomes/you-can-get-a-bin/")
        desk.check(f"outcome edit, {width}")

        page.goto(base + "outcomes/new/")
        desk.check(f"add an outcome, {width}")
        page.get_by_label("What to do next (optional)").fill("Apply | javascript:alert(1)")
        page.get_by_role("button", name="Save outcome").click()
        page.locator(".govuk-error-summary").wait_for()
        assert page.get_by_role("link", name="Enter the outcome's title").is_visible()
        desk.check(f"add an outcome, refused, {width}")
        page.context.close()
