"""The process designer: designers and administrators edit, check and publish processes;
publishing validates, versions and records who did it; versions can be compared. Browser
check: bpmn-js draws the process, its properties panel edits a branch condition, publishing
from the page makes version 2; axe on every designer page."""

import pytest
from django.test import Client

from townhall.accounts.models import User
from townhall.core.models import AuditEvent
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.tests.factories import user_make
from townhall.workflow.models import ProcessVersion
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

KEY = "report-fly-tipping"
EDIT = f"/staff/processes/{KEY}/edit/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(live: ProcessVersion, **changes) -> dict:
    data = {"bpmn_xml": live.bpmn_xml, "note": "", "action": "publish"}
    data.update({f"dmn_xml_{n}": xml for n, xml in enumerate(live.dmn_xmls)})
    data.update(changes)
    return data


@pytest.mark.django_db
def test_only_designers_and_administrators_reach_the_designer():
    demo_catalogue_with_processes()
    for role in (User.Role.OFFICER, User.Role.AGENT, User.Role.MANAGER, User.Role.RESIDENT):
        client = _client(user_make(role=role))
        for url in ("/staff/processes/", f"/staff/processes/{KEY}/", EDIT):
            assert client.get(url).status_code == 403, (role, url)
        assert client.post(EDIT, {"bpmn_xml": "x"}).status_code == 403
    designer = _client(user_make(role=User.Role.DESIGNER))
    html = designer.get("/staff/processes/").content.decode()
    assert "Report fly-tipping" in html
    assert designer.get(EDIT).status_code == 200


@pytest.mark.django_db
def test_publishing_validates_versions_and_records_who_did_it():
    demo_catalogue_with_processes()
    designer = user_make(role=User.Role.DESIGNER, full_name="Dee Signer")
    client = _client(designer)
    live = ProcessVersion.objects.get(key=KEY, is_live=True)

    broken = client.post(EDIT, _form(live, bpmn_xml="<bpmn:definitions"))
    assert broken.status_code == 400
    assert "cannot be published" in broken.content.decode()
    assert ProcessVersion.objects.get(key=KEY, is_live=True).pk == live.pk

    # A decision table with no catch-all row is refused, the live version stays live.
    dmn = live.dmn_xmls[0]
    last_row = 'id="fly_tipping_routing_r4_i0"><text></text>'
    assert last_row in dmn
    no_catch_all = dmn.replace(last_row, 'id="fly_tipping_routing_r4_i0"><text>"x"</text>')
    refused = client.post(EDIT, _form(live, dmn_xml_0=no_catch_all, action="check"))
    assert refused.status_code == 400
    assert "needs a catch-all last row" in refused.content.decode()
    assert ProcessVersion.objects.get(key=KEY, is_live=True).pk == live.pk

    checked = client.post(EDIT, _form(live, action="check"))
    assert "passed every check" in checked.content.decode()

    changed = live.bpmn_xml.replace('route == "contractor"', 'route == "contractor" or False', 1)
    assert changed != live.bpmn_xml
    response = client.post(EDIT, _form(live, bpmn_xml=changed, note="Simpler branch"))
    assert response.status_code == 302
    new = ProcessVersion.objects.get(key=KEY, is_live=True)
    assert (new.version, new.published_by, new.note) == (
        live.version + 1,
        designer,
        "Simpler branch",
    )
    assert AuditEvent.objects.filter(object_type="process_version", object_id=str(new.pk)).exists()

    diff = client.get(f"/staff/processes/{KEY}/versions/{new.version}/diff/").content.decode()
    assert "Changed" in diff and "sequenceFlow" in diff
    assert client.get(f"/staff/processes/{KEY}/versions/1/diff/").status_code == 404


def _with_doctype(xml: str, doctype: str, name_from: str, name_to: str) -> str:
    head, rest = xml.split("\n", 1)  # after the <?xml ...?> declaration
    assert head.startswith("<?xml") and name_from in rest
    return f"{head}\n{doctype}\n{rest.replace(name_from, name_to, 1)}"


LAUGHS = (
    '<!DOCTYPE bpmn:definitions [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
)
PASSWD = '<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.django_db
@pytest.mark.parametrize(("doctype", "entity"), [(LAUGHS, "&e;"), (PASSWD, "&xxe;")])
def test_publishing_xml_with_a_doctype_or_entities_is_refused_with_the_reason(doctype, entity):
    demo_catalogue_with_processes()
    client = _client(user_make(role=User.Role.DESIGNER))
    live = ProcessVersion.objects.get(key=KEY, is_live=True)
    for field, xml in (("bpmn_xml", live.bpmn_xml), ("dmn_xml_0", live.dmn_xmls[0])):
        hostile = _with_doctype(xml, doctype, 'name="', f'name="{entity}')
        refused = client.post(EDIT, _form(live, **{field: hostile}))
        html = refused.content.decode()
        assert refused.status_code == 400, field
        assert "declares a DOCTYPE; DTDs and entities are not accepted" in html
        # Nothing was expanded or read (the page echoes the submitted text, not its meaning).
        assert "root:x:0:0" not in html and "a" * 100 not in html
        assert ProcessVersion.objects.get(key=KEY, is_live=True).pk == live.pk


@pytest.mark.django_db
def test_publishing_an_oversize_process_is_refused_not_truncated(settings):
    demo_catalogue_with_processes()
    client = _client(user_make(role=User.Role.DESIGNER))
    live = ProcessVersion.objects.get(key=KEY, is_live=True)
    settings.XML_MAX_BYTES = len(live.bpmn_xml.encode()) + 100
    padded = live.bpmn_xml + "<!--" + "x" * 200 + "-->"
    refused = client.post(EDIT, _form(live, bpmn_xml=padded))
    assert refused.status_code == 400
    assert f"the limit is {settings.XML_MAX_BYTES:,}" in refused.content.decode()
    assert ProcessVersion.objects.get(key=KEY, is_live=True).pk == live.pk


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_designer_changes_a_condition_in_the_browser_and_publishes(live_server, browser):
    demo_catalogue_with_processes()
    designer = user_make(role=User.Role.DESIGNER, full_name="Dee Signer")
    designer.set_password("Designer-pass-12345")
    designer.save()
    live = ProcessVersion.objects.get(key=KEY, is_live=True)

    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/staff/processes/")
    page.get_by_label("Email address").fill(designer.email)
    page.get_by_label("Password", exact=True).fill("Designer-pass-12345")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/processes/")
    desk.check("process list")
    page.get_by_role("link", name="Report fly-tipping").click()
    desk.check("process versions")
    page.get_by_role("link", name="Change this process").click()
    page.locator("[data-bpmn-canvas] .djs-element").first.wait_for()
    assert page.locator("#bpmn_xml").is_hidden()  # the XML box gives way to the editor
    desk.check("designer")

    # A timer on the crew's task shows its timer definition in the panel.
    page.locator('g[data-element-id="clear_overdue"] .djs-hit').first.dispatch_event("click")
    timer = page.locator(".bio-properties-panel-group-header", has_text="Timer")
    timer.first.wait_for()
    timer.first.click()
    values = page.eval_on_selector_all(
        "[data-bpmn-properties] input, [data-bpmn-properties] textarea",
        "els => els.map(e => e.value)",
    )
    assert 'clock["due_at"]' in values
    desk.check("designer: a timer selected")

    # Select the branch to the specialist contractor and change its condition.
    flow = page.locator('[data-bpmn-canvas] [data-element-id="flow_4"]')
    flow.click(force=True)
    condition = page.get_by_label("Condition (a Python expression over the case's data)")
    assert condition.input_value() == 'route == "contractor"'
    condition.fill('route == "contractor" or hazardous')
    page.locator("#note").click()  # leave the field: the panel commits the change
    page.locator("#note").fill("Hazardous waste always goes to the contractor")
    page.get_by_role("button", name="Publish a new version").click()
    page.wait_for_url(f"**/staff/processes/{KEY}/")
    desk.check("after publishing")
    assert errors == []

    new = ProcessVersion.objects.get(key=KEY, is_live=True)
    assert new.version == live.version + 1
    assert 'route == "contractor" or hazardous' in new.bpmn_xml
    assert new.bpmn_xml.count("spiffworkflow:parameter ") == live.bpmn_xml.count(
        "spiffworkflow:parameter "
    )  # the SpiffWorkflow extensions came back untouched
    page.get_by_role("link", name=f"Compare with version {live.version}").click()
    desk.check("diff")
    changed = page.locator("[data-diff-summary] .govuk-summary-list__row", has_text="Changed")
    assert "sequenceFlow" in changed.inner_text()
