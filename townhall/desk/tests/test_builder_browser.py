"""The service builder's service pages in Chromium, at desktop width and at 320 px: a
designer creates a service with the keyboard-reachable controls the contract names, and
axe-core checks every page, with its error states (a refused create, settings, publish,
retire and import, a colleague's save), the comparison of two versions and going back."""

import copy

import pytest

from townhall.accounts.models import User
from townhall.builder.drafts import (
    service_create,
    service_draft,
    service_draft_save,
    service_draft_settings_save,
    service_publish,
)
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.tests.factories import user_make
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Designer-pass-12345"
NARROW = {"width": 320, "height": 720}
FORM = {
    "title": "Report a blocked drain",
    "pages": [
        {
            "id": "where",
            "fields": [
                {"name": "where", "type": "text", "label": "Where is it?", "required": True}
            ],
        }
    ],
}


def _published_twice(team):
    """A service with two versions, to compare and go back to."""
    service = service_create(
        name="Report a blocked drain", summary="A drain is blocked.", team=team, kind="request"
    )
    for note, summary in (("First", "A drain is blocked."), ("Second", "A drain overflows.")):
        draft = service_draft(service)
        data = copy.deepcopy(draft.data)
        data["form"] = {"definition": FORM}
        data["summary"]["en"] = summary
        draft = service_draft_save(
            service=service, data=data, revision=draft.revision, actor=None, change="x"
        )
        service_publish(service=service, revision=draft.revision, note=note, actor=None)
    return service


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_every_builder_page_passes_axe_with_its_errors(live_server, browser, viewport):
    demo = demo_catalogue_with_processes()
    team = demo["report-fly-tipping"].default_team
    drain = _published_twice(team)
    designer = user_make(role=User.Role.DESIGNER, full_name="Dee Signer")
    designer.set_password(PASSWORD)
    designer.save()

    desk = new_page(browser, viewport=viewport)
    page = desk.page
    base = live_server.url + "/staff/services/"
    page.goto(base)
    page.get_by_label("Email address").fill(designer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/services/")
    desk.check("list")
    page.goto(base + "?state=retired")
    desk.check("list, filtered")

    page.goto(base)
    page.get_by_role("link", name="Create a service").click()
    desk.check("create")
    page.get_by_role("button", name="Create a service").click()
    assert page.locator(".govuk-error-summary").is_visible()
    desk.check("create, refused")
    page.get_by_label("Service name").fill("Report an overgrown hedge")
    page.get_by_label("Summary").fill("Tell us about a hedge blocking a path.")
    page.get_by_label("Team").select_option(team.slug)
    page.get_by_label("Request", exact=True).check()
    page.get_by_role("button", name="Create a service").click()
    page.wait_for_url("**/staff/services/report-an-overgrown-hedge/")
    assert page.locator("[data-problems]").is_visible()
    desk.check("service, with its draft's problems")

    page.get_by_role("link", name="Edit the settings").click()
    desk.check("settings")
    page.locator("#name").fill("")
    page.locator("#sla_days").fill("many")
    # The permit section's errors too: rules a service file import would refuse.
    page.get_by_label("Yes, it sells permits").check()
    page.locator("#permit_number_prefix").fill("gw")
    page.locator("#permit_refund_admin_fee").fill("-5")
    page.get_by_role("button", name="Save settings").click()
    assert page.locator(".govuk-error-summary").is_visible()
    desk.check("settings, refused")

    # A colleague saves while the page is open: the designer is told, keeping what they typed.
    page.goto(base + "report-an-overgrown-hedge/settings/")
    page.locator("#summary").fill("My words.")
    hedge = type(drain).objects.get(slug="report-an-overgrown-hedge")
    service_draft_settings_save(
        service=hedge,
        changes={"keywords": {"en": "hedge, bush", "cy": ""}},
        revision=service_draft(hedge).revision,
        actor=None,
    )
    page.get_by_role("button", name="Save settings").click()
    assert page.locator("[data-conflict]").is_visible()
    assert page.locator("#summary").input_value() == "My words."
    desk.check("settings, a colleague saved first")

    page.goto(base + "report-an-overgrown-hedge/publish/")
    assert page.get_by_role("button", name="Publish", exact=True).count() == 0
    desk.check("publish, with problems")
    page.goto(base + "report-an-overgrown-hedge/discard/")
    desk.check("discard")

    # The drain's draft passes, then breaks after the page is read: nothing is published.
    draft = service_draft(drain)
    page.goto(base + f"{drain.slug}/publish/")
    page.get_by_label("What changed?").fill("Nothing much")
    desk.check("publish, ready")
    data = copy.deepcopy(draft.data)
    data["form"] = None
    service_draft_save(service=drain, data=data, revision=draft.revision, actor=None, change="x")
    page.locator("input[name=revision]").evaluate(f"e => e.value = '{draft.revision + 1}'")
    page.get_by_role("button", name="Publish", exact=True).click()
    assert page.locator("[data-reasons]").is_visible()
    desk.check("publish, refused")
    assert page.get_by_role("button", name="Publish", exact=True).count() == 0

    page.goto(base + f"{drain.slug}/")
    desk.check("service with versions")
    page.get_by_label("Compare version").select_option("1")
    page.get_by_label("with version").select_option("2")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(f"**/staff/services/{drain.slug}/versions/1/2/")
    assert page.locator("[data-line=removed]").count() >= 1
    desk.check("compare")
    page.goto(base + f"{drain.slug}/?older=2&newer=2")
    desk.check("compare, refused")
    page.goto(base + f"{drain.slug}/versions/1/restore/")
    desk.check("publish an earlier version again")

    page.goto(base + f"{drain.slug}/retire/")
    page.get_by_role("button", name="Retire the service").click()
    assert page.locator(".govuk-error-summary").is_visible()
    desk.check("retire, refused")

    page.goto(base + "import/")
    desk.check("import")
    page.get_by_role("button", name="Import and publish").click()
    desk.check("import, refused (no file)")
    page.get_by_label("Service files").set_input_files(
        files=[{"name": "broken.yaml", "mimeType": "application/yaml", "buffer": b"slug: [\n"}]
    )
    page.get_by_role("button", name="Import and publish").click()
    assert page.locator("[data-refused]").is_visible()
    desk.check("import, refused (a broken file)")


def test_the_builder_in_welsh_passes_axe(live_server, browser):
    """Issue 20: with the Welsh cookie the builder's pages are Welsh (`lang="cy"`) and still
    pass axe: the list, a service, its settings and its form, and a refused save."""
    demo = demo_catalogue_with_processes()
    designer = user_make(role=User.Role.DESIGNER, full_name="Dee Signer")
    designer.set_password(PASSWORD)
    designer.save()
    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    page.context.add_cookies([{"name": "th_language", "value": "cy", "url": live_server.url}])
    base = live_server.url + "/staff/services/"
    page.goto(base)
    page.locator("input[name=email]").fill(designer.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/staff/services/")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("link", name="Creu gwasanaeth").is_visible()
    desk.check("list, in Welsh")
    slug = demo["subscribe-to-garden-waste-collection"].slug
    for path, label in (("", "service"), ("settings/", "settings"), ("form/", "form")):
        page.goto(base + f"{slug}/{path}")
        desk.check(f"{label}, in Welsh")
    page.goto(base + f"{slug}/settings/")
    page.locator("#sla_days").fill("many")
    page.get_by_role("button", name="Cadw’r gosodiadau").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Rhowch y targed fel nifer cyfan o ddiwrnodau" in page.content()
    desk.check("settings, refused, in Welsh")
