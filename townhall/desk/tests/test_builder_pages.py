"""The service builder's service pages (issue 16 points 1, 3, 8, 9): only designers and
administrators reach them; a designer creates a service, sets it up, is refused publishing
with every reason while it has no form, publishes it with a note, compares versions, goes
back to an earlier one, retires it; a colleague's save is reported and nothing typed is lost;
service files are downloaded and imported; every change is audited."""

import copy

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from townhall.accounts.models import Team, User
from townhall.builder.drafts import service_draft, service_draft_save, service_retire
from townhall.builder.models import ServiceDraft, ServiceVersion
from townhall.builder.selectors import service_export
from townhall.catalogue.models import Service
from townhall.core.models import AuditEvent
from townhall.desk.builder_forms import ServiceSettingsForm
from townhall.desk.tests.factories import user_make
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = pytest.mark.django_db

HEDGE = "Report an overgrown hedge"
HEDGE_FORM = {
    "title": HEDGE,
    "pages": [
        {
            "id": "where",
            "fields": [
                {"name": "where", "type": "text", "label": "Where is it?", "required": True}
            ],
        }
    ],
}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def demo() -> dict[str, Service]:
    return demo_catalogue_with_processes()


@pytest.fixture
def designer() -> User:
    return user_make(role=User.Role.DESIGNER, full_name="Dee Signer")


@pytest.fixture
def designer_client(designer) -> Client:
    return _client(designer)


def _team(demo) -> Team:
    team = demo["report-fly-tipping"].default_team
    assert team is not None
    return team


def _create_hedge(client: Client, demo) -> Service:
    response = client.post(
        "/staff/services/new/",
        {
            "name": HEDGE,
            "summary": "Tell us about a hedge blocking a path.",
            "team": _team(demo).slug,
            "kind": "request",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(name=HEDGE)
    assert response["Location"] == f"/staff/services/{service.slug}/"
    return service


def _settings(client: Client, service: Service) -> dict:
    """The settings form as the page fills it in (every field, as posted)."""
    html = client.get(f"/staff/services/{service.slug}/settings/").content.decode()
    assert 'name="revision"' in html
    draft = ServiceDraft.objects.filter(service=service).first()
    data = draft.data if draft else None
    form = ServiceSettingsForm(
        initial=ServiceSettingsForm.initial_from(
            data or yaml.safe_load(service_export(service)), draft.revision if draft else 0
        )
    )
    posted = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            posted[name] = "on"
        elif value is not None and value is not False:
            posted[name] = str(value)
    return posted


def _give_form(service: Service) -> None:
    draft = service_draft(service)
    data = copy.deepcopy(draft.data)
    data["form"] = {"definition": HEDGE_FORM}
    service_draft_save(service=service, data=data, revision=draft.revision, actor=None, change="f")


def _publish(client: Client, service: Service, note: str):
    revision = ServiceDraft.objects.get(service=service).revision
    return client.post(
        f"/staff/services/{service.slug}/publish/", {"revision": revision, "note": note}
    )


def test_only_designers_and_administrators_reach_the_builder(demo):
    slug = "report-fly-tipping"
    first = ServiceVersion.objects.get(service=demo[slug], number=1)  # the demo's import
    ServiceVersion.objects.create(service=demo[slug], number=2, data=first.data)
    audited = AuditEvent.objects.count()
    urls = [
        "/staff/services/",
        "/staff/services/new/",
        "/staff/services/import/",
        f"/staff/services/{slug}/",
        f"/staff/services/{slug}/settings/",
        f"/staff/services/{slug}/publish/",
        f"/staff/services/{slug}/discard/",
        f"/staff/services/{slug}/retire/",
        f"/staff/services/{slug}/export/",
        f"/staff/services/{slug}/versions/1/2/",
        f"/staff/services/{slug}/versions/1/restore/",
    ]
    for role in (User.Role.OFFICER, User.Role.AGENT, User.Role.MANAGER):
        client = _client(user_make(role=role))
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
            assert client.post(url, {"reason": "x", "note": "x"}).status_code == 403, (role, url)
    assert AuditEvent.objects.count() == audited
    admin = _client(user_make(role=User.Role.ADMIN))
    for url in urls:
        assert admin.get(url).status_code in (200, 302), url


def test_the_list_shows_every_service_with_its_settings_in_a_fixed_number_of_queries(
    demo, designer_client
):
    fly_tipping = demo["report-fly-tipping"]
    service_retire(service=demo["report-graffiti"], reason="Gone to the county", actor=None)
    html = designer_client.get("/staff/services/").content.decode()
    assert "Create a service" in html
    assert (
        'href="/staff/services/"' in html and 'active-fallback">Services</strong></a>' in html
    )  # the navigation
    for service in demo.values():
        assert service.name.replace("'", "&#x27;") in html
    assert fly_tipping.department.name in html and (fly_tipping.open311_code or "") in html
    assert "Retired" in html and "Live" in html

    retired = designer_client.get("/staff/services/?state=retired").content.decode()
    assert "Report graffiti" in retired and fly_tipping.name not in retired
    theirs = designer_client.get(f"/staff/services/?department={fly_tipping.department.slug}")
    names = {s.name for s in Service.objects.filter(department=fly_tipping.department)}
    assert all(name.replace("'", "&#x27;") in theirs.content.decode() for name in names)
    assert len(names) < len(demo)

    with CaptureQueriesContext(connection) as few:
        designer_client.get("/staff/services/")
    for n in range(5):
        Service.objects.create(
            slug=f"extra-{n}",
            name=f"Extra service {n}",
            summary="x",
            department=fly_tipping.department,
            default_team=fly_tipping.default_team,
            reference_prefix=f"XS{n}",
            process_key=fly_tipping.process_key,
            form=fly_tipping.form,
        ).channel_costs.create(channel="web", cost_pence=17)
    with CaptureQueriesContext(connection) as more:
        designer_client.get("/staff/services/")
    assert len(more) == len(few)


def test_create_refuses_what_is_missing_with_an_error_summary(demo, designer_client):
    response = designer_client.post("/staff/services/new/", {"name": "", "team": "nope"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "Enter the service name" in html
    assert "Choose a team from the list" in html and "Choose what kind of service it is" in html
    taken = designer_client.post(
        "/staff/services/new/",
        {"name": "Report fly-tipping", "summary": "x", "team": _team(demo).slug, "kind": "request"},
    )
    assert taken.status_code == 400 and "already a service called" in taken.content.decode()
    assert not Service.objects.filter(name=HEDGE).exists()


def test_a_designer_creates_sets_up_and_publishes_a_service(demo, designer, designer_client):
    service = _create_hedge(designer_client, demo)
    assert service.state == "draft" and service.reference_prefix == "ROH"
    page = designer_client.get(f"/staff/services/{service.slug}/").content.decode()
    assert "cannot be published yet" in page and "/form" in page
    listed = designer_client.get("/staff/services/?state=draft").content.decode()
    assert HEDGE in listed and "Draft changes" in listed

    posted = _settings(designer_client, service)
    assert posted["revision"] == "1"
    posted.update(
        name_cy="Rhoi gwybod am wrych sydd wedi tyfu'n wyllt",
        sla_days="15",
        fee="12.50",
        cost_web="0.17",
        cost_phone="8.62",
        open311_code="hedge",
    )
    saved = designer_client.post(f"/staff/services/{service.slug}/settings/", posted)
    assert saved.status_code == 302
    data = ServiceDraft.objects.get(service=service).data
    assert data["name"]["cy"].startswith("Rhoi gwybod")
    assert (data["sla"]["days"], data["fee_pence"], data["open311_code"]) == (15, 1250, "hedge")
    assert data["channel_costs"] == {"web": 17, "phone": 862}

    # No form yet: the publish page lists why and offers no Publish button; a post is refused.
    page = designer_client.get(f"/staff/services/{service.slug}/publish/").content.decode()
    assert "/form" in page and ">Publish</button>" not in page
    refused = _publish(designer_client, service, "First version")
    assert refused.status_code == 400
    assert "Nothing was published" in refused.content.decode()
    assert not ServiceVersion.objects.filter(service=service).exists()

    _give_form(service)
    page = designer_client.get(f"/staff/services/{service.slug}/publish/").content.decode()
    assert "passes every check" in page and ">Publish</button>" in page
    no_note = _publish(designer_client, service, " ")
    assert no_note.status_code == 400 and "Say what changed" in no_note.content.decode()
    assert _publish(designer_client, service, "First version").status_code == 302

    service.refresh_from_db()
    assert service.state == "live" and service.sla_days == 15 and service.fee_pence == 1250
    assert service.name_cy.startswith("Rhoi gwybod")
    version = ServiceVersion.objects.get(service=service)
    assert (version.number, version.note, version.published_by) == (1, "First version", designer)
    page = designer_client.get(f"/staff/services/{service.slug}/").content.decode()
    assert "First version" in page and "Dee Signer" in page
    actions = set(
        AuditEvent.objects.filter(object_id=str(service.pk)).values_list("object_type", "action")
    )
    assert {("service", "create"), ("service draft", "change"), ("service", "change")} <= actions


def test_a_colleagues_save_is_reported_and_nothing_typed_is_lost(demo, designer_client):
    service = _create_hedge(designer_client, demo)
    mine = _settings(designer_client, service)
    colleague = _client(user_make(role=User.Role.DESIGNER, full_name="Col League"))
    theirs = _settings(colleague, service)
    theirs["keywords"] = "hedge, bush, overgrown"
    assert colleague.post(f"/staff/services/{service.slug}/settings/", theirs).status_code == 302

    mine["summary"] = "My own careful words about hedges."
    response = designer_client.post(f"/staff/services/{service.slug}/settings/", mine)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Col League saved this draft" in html and "nothing is lost" in html
    assert "My own careful words about hedges." in html
    assert "Search words" in html  # where their draft differs from what was typed
    draft = ServiceDraft.objects.get(service=service)
    assert draft.data["summary"]["en"] != "My own careful words about hedges."
    assert f'name="revision" value="{draft.revision}"' in html

    mine["revision"] = str(draft.revision)
    assert (
        designer_client.post(f"/staff/services/{service.slug}/settings/", mine).status_code == 302
    )
    assert (
        ServiceDraft.objects.get(service=service).data["summary"]["en"]
        == "My own careful words about hedges."
    )


def test_versions_are_compared_and_an_earlier_one_published_again(demo, designer_client):
    service = _create_hedge(designer_client, demo)
    _give_form(service)
    assert _publish(designer_client, service, "First").status_code == 302
    posted = _settings(designer_client, service)
    assert posted["revision"] == "0"  # no draft: the first save starts one
    posted["summary"] = "A hedge blocks the path or the road."
    assert (
        designer_client.post(f"/staff/services/{service.slug}/settings/", posted).status_code == 302
    )
    assert _publish(designer_client, service, "Clearer summary").status_code == 302

    same = designer_client.get(f"/staff/services/{service.slug}/?older=2&newer=2")
    assert same.status_code == 400 and "two different versions" in same.content.decode()
    chosen = designer_client.get(f"/staff/services/{service.slug}/?older=2&newer=1")
    assert chosen["Location"] == f"/staff/services/{service.slug}/versions/1/2/"
    html = designer_client.get(chosen["Location"]).content.decode()
    assert "Removed: </span>" in html and "Added: </span>" in html
    assert "A hedge blocks the path or the road." in html
    assert designer_client.get(f"/staff/services/{service.slug}/versions/1/9/").status_code == 404

    restore = f"/staff/services/{service.slug}/versions/1/restore/"
    assert "Publish version 1 again?" in designer_client.get(restore).content.decode()
    assert designer_client.post(restore, {"note": ""}).status_code == 302
    latest = ServiceVersion.objects.filter(service=service).latest("number")
    assert (latest.number, latest.note) == (3, "Back to version 1")
    service.refresh_from_db()
    assert service.summary == "Tell us about a hedge blocking a path."


def test_a_draft_is_thrown_away_after_confirming(demo, designer_client):
    service = demo["report-fly-tipping"]
    posted = _settings(designer_client, service)
    posted["summary"] = "Changed, then thought better of."
    designer_client.post(f"/staff/services/{service.slug}/settings/", posted)
    confirm = designer_client.get(f"/staff/services/{service.slug}/discard/")
    assert "Throw away the draft?" in confirm.content.decode()
    assert ServiceDraft.objects.filter(service=service).exists()
    designer_client.post(f"/staff/services/{service.slug}/discard/")
    assert not ServiceDraft.objects.filter(service=service).exists()
    assert AuditEvent.objects.filter(object_type="service draft", action="delete").exists()


def test_a_retired_service_leaves_the_a_to_z_and_is_inactive_on_open311(
    demo, designer_client, django_capture_on_commit_callbacks
):
    service = demo["report-fly-tipping"]
    assert service.open311_code
    assert service.name in Client().get("/services/").content.decode()
    codes = [s["service_code"] for s in Client().get("/open311/v2/services.json").json()]
    assert service.open311_code in codes

    url = f"/staff/services/{service.slug}/retire/"
    refused = designer_client.post(url, {"reason": ""})
    assert (
        refused.status_code == 400 and "Say why the service is retired" in refused.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):  # the catalogue's cache is cleared
        response = designer_client.post(url, {"reason": "The county does it now"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.state == "retired"
    assert service.name not in Client().get("/services/").content.decode()
    # Open311 clients keep its code to show old reports, marked as taking no new ones
    # (mySociety's "inactive", which FixMyStreet leaves out of its categories).
    [listed] = [
        s
        for s in Client().get("/open311/v2/services.json").json()
        if s["service_code"] == service.open311_code
    ]
    assert "inactive" in listed["keywords"].split(",")
    assert AuditEvent.objects.get(object_type="service", action="retire").reason == (
        "The county does it now"
    )


def test_a_service_file_is_downloaded_and_imported_back(demo, designer_client):
    service = demo["report-fly-tipping"]
    download = designer_client.get(f"/staff/services/{service.slug}/export/")
    assert download["Content-Disposition"] == f'attachment; filename="{service.slug}.yaml"'
    text = download.content.decode()
    assert text == service_export(service)

    url = "/staff/services/import/"
    nothing = designer_client.post(url, {})
    assert nothing.status_code == 400 and "Choose a service file" in nothing.content.decode()
    binary = SimpleUploadedFile("x.yaml", b"\xff\xd8\xff\x00JFIF")
    refused = designer_client.post(url, {"files": [binary]})
    assert refused.status_code == 400 and "is not a text file" in refused.content.decode()

    bad = yaml.safe_load(text)
    bad["sla"]["days"] = "five"
    bad_file = SimpleUploadedFile("bad.yaml", yaml.safe_dump(bad).encode())
    good = yaml.safe_load(text)
    good["summary"]["en"] = "Imported summary."
    good_file = SimpleUploadedFile("good.yaml", yaml.safe_dump(good).encode())
    refused = designer_client.post(url, {"files": [good_file, bad_file]})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "bad.yaml" in html and "/sla/days" in html and "Nothing was imported" in html
    service.refresh_from_db()
    assert service.summary != "Imported summary."

    good_file = SimpleUploadedFile("good.yaml", yaml.safe_dump(good).encode())
    assert designer_client.post(url, {"files": [good_file]}).status_code == 302
    service.refresh_from_db()
    assert service.summary == "Imported summary."
    assert AuditEvent.objects.filter(
        object_type="service", action="change", object_id=str(service.pk)
    ).exists()


def test_a_resident_part_way_through_finishes_on_the_version_they_began(demo, designer_client):
    service = _create_hedge(designer_client, demo)
    _give_form(service)
    assert _publish(designer_client, service, "First").status_code == 302
    resident = Client()
    first_page = resident.post(f"/services/{service.slug}/begin/")["Location"]
    assert "Where is it?" in resident.get(first_page).content.decode()

    draft = service_draft(service)
    data = copy.deepcopy(draft.data)
    data["form"]["definition"]["pages"][0]["fields"][0]["label"] = "Where is the hedge?"
    service_draft_save(service=service, data=data, revision=draft.revision, actor=None, change="")
    assert _publish(designer_client, service, "Clearer question").status_code == 302

    assert "Where is it?" in resident.get(first_page).content.decode()
    newcomer = Client()
    new_page = newcomer.post(f"/services/{service.slug}/begin/")["Location"]
    assert "Where is the hedge?" in newcomer.get(new_page).content.decode()
