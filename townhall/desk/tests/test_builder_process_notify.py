"""The settings page's process and notifications (issue 16: a whole service in the browser):
a process is chosen from those live and those of the library not yet published, and written
into the draft as publishing reads it (a library process by its key, any other written out,
or none); the service's own Notify template IDs are checked as UUIDs, blank ones left to the
generic template."""

import pytest
from django.test import Client

from townhall.accounts.models import User
from townhall.builder.models import ServiceDraft
from townhall.cases.notifications import NOTIFYING_KINDS
from townhall.desk.builder_process_forms import NOTIFY_EVENTS
from townhall.desk.tests.factories import user_make
from townhall.desk.tests.test_builder_pages import _create_hedge, _settings
from townhall.workflow.library import library_process
from townhall.workflow.models import ProcessVersion
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = pytest.mark.django_db

TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


@pytest.fixture
def demo():
    return demo_catalogue_with_processes()


@pytest.fixture
def designer_client() -> Client:
    client = Client()
    client.force_login(user_make(role=User.Role.DESIGNER, full_name="Dee Signer"))
    return client


def _save(client: Client, service, **changes: str):
    posted = _settings(client, service)
    posted.update(changes)
    return client.post(f"/staff/services/{service.slug}/settings/", posted)


def _draft_data(service) -> dict:
    return ServiceDraft.objects.get(service=service).data


def test_the_notifications_offered_are_the_events_residents_are_told_about():
    assert set(NOTIFY_EVENTS) == {str(kind) for kind in NOTIFYING_KINDS}


def test_processes_are_offered_live_then_from_the_library(demo, designer_client):
    ProcessVersion.objects.filter(key="request-a-call-back").update(is_live=False)
    service = _create_hedge(designer_client, demo)
    html = designer_client.get(f"/staff/services/{service.slug}/settings/").content.decode()
    select = html.split('id="process"')[1].split("</select>")[0]
    assert '<option value="" selected>None: cases run no process</option>' in select
    live, library = select.split('<optgroup label="From the library">')
    assert '<optgroup label="Live processes">' in live
    assert 'value="report-fly-tipping"' in live and 'value="request-a-call-back"' not in live
    assert 'value="request-a-call-back"' in library and 'value="report-fly-tipping"' not in library


def test_a_library_process_is_named_by_its_key_and_any_other_written_out(demo, designer_client):
    service = _create_hedge(designer_client, demo)
    assert _save(designer_client, service, process="report-fly-tipping").status_code == 302
    assert _draft_data(service)["process"] == {"library": "report-fly-tipping"}

    ProcessVersion.objects.filter(key="request-a-call-back").update(is_live=False)
    assert _save(designer_client, service, process="request-a-call-back").status_code == 302
    assert _draft_data(service)["process"] == {"library": "request-a-call-back"}

    # A live process that is not the library's any more (edited in the designer).
    _, bpmn, _ = library_process("report-graffiti")
    ProcessVersion.objects.filter(key="report-graffiti").update(bpmn_xml=bpmn + "\n<!-- ours -->")
    assert _save(designer_client, service, process="report-graffiti").status_code == 302
    written = _draft_data(service)["process"]
    assert written["key"] == "report-graffiti" and written["bpmn"].endswith("<!-- ours -->")

    # Saving other settings keeps the draft's process as it is.
    assert _save(designer_client, service, summary="Hedges, again.").status_code == 302
    assert _draft_data(service)["process"] == written

    assert _save(designer_client, service, process="").status_code == 302
    assert _draft_data(service)["process"] is None
    response = _save(designer_client, service, process="no-such-process")
    assert response.status_code == 400
    assert '<a href="#process">Choose a process from the list</a>' in response.content.decode()


def test_notify_template_ids_are_checked_and_blank_ones_use_the_generic_template(
    demo, designer_client
):
    service = _create_hedge(designer_client, demo)
    response = _save(designer_client, service, notify_created_email="not-a-template")
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#notify_created_email">Enter the template ID as GOV.UK Notify shows it' in html
    assert (
        "notify_templates" not in _draft_data(service)
        or not _draft_data(service)["notify_templates"]
    )

    response = _save(
        designer_client,
        service,
        notify_created_email=TEMPLATE_ID.upper(),
        notify_status_changed_sms=f" {TEMPLATE_ID} ",
    )
    assert response.status_code == 302
    assert _draft_data(service)["notify_templates"] == {
        "created": {"email": TEMPLATE_ID},
        "status_changed": {"sms": TEMPLATE_ID},
    }
    html = designer_client.get(f"/staff/services/{service.slug}/settings/").content.decode()
    assert (
        f'id="notify_created_email" name="notify_created_email" type="text" value="{TEMPLATE_ID}"'
        in html
    )
    assert _save(designer_client, service, notify_created_email="").status_code == 302
    assert _draft_data(service)["notify_templates"] == {"status_changed": {"sms": TEMPLATE_ID}}


def test_welsh_notify_template_ids_sit_beside_the_english_and_are_kept(demo, designer_client):
    """Issue 20: residents who asked in Welsh get the service's Welsh template where set."""
    service = _create_hedge(designer_client, demo)
    html = designer_client.get(f"/staff/services/{service.slug}/settings/").content.decode()
    assert 'id="notify_created_email_cy"' in html and 'id="notify_public_note_sms_cy"' in html
    welsh_id = "0b6f4c2e-9d1a-4f3b-8c7d-5e2a1b0c9d8e"
    response = _save(
        designer_client,
        service,
        notify_created_email=TEMPLATE_ID,
        notify_created_email_cy=welsh_id,
        notify_public_note_sms_cy=welsh_id,
    )
    assert response.status_code == 302
    assert _draft_data(service)["notify_templates"] == {
        "created": {"email": TEMPLATE_ID, "email_cy": welsh_id},
        "public_note": {"sms_cy": welsh_id},
    }
    response = _save(designer_client, service, notify_created_email_cy="not-a-template")
    assert response.status_code == 400
    assert '<a href="#notify_created_email_cy">Enter the template ID' in response.content.decode()
