"""Administrators see failed and dead-lettered messages and retry or cancel them; nobody else
reaches the integrations pages. Browser check: axe on each page, at a phone's width too."""

import pytest
from django.test import Client

from townhall.accounts.models import User
from townhall.core.models import AuditEvent, WorkerHeartbeat
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.tests.factories import case_make, user_make
from townhall.integrations.models import InboundRefusal, OutboxMessage, PartnerEndpoint, SentMessage
from townhall.integrations.outbox.services import outbox_enqueue
from townhall.open311.clients import api_client_for_key
from townhall.open311.models import ApiClient, Open311Submission
from townhall.open311.tests.factories import make_open311_world

PASSWORD = "Admin-demo-12345"
PHONE_320 = {"width": 320, "height": 640}


def _setup() -> tuple[OutboxMessage, OutboxMessage]:
    PartnerEndpoint.objects.create(
        name="waste_contractor", title="Greenway", url="http://127.0.0.1:1/jobs", secret="s"
    )
    dead = outbox_enqueue(
        partner="waste_contractor",
        operation="job_create",
        payload={"job": "return_collection", "reference": "MB-2026-000001"},
        idempotency_key="wf-MB-2026-000001-1",
        correlation="MB-2026-000001",
    )
    failing = outbox_enqueue(
        partner="waste_contractor",
        operation="job_create",
        payload={"job": "x"},
        idempotency_key="wf-MB-2026-000002-1",
        correlation="",
    )
    OutboxMessage.objects.filter(pk=dead.pk).update(
        status="dead", attempts=12, last_error="HTTP 503 (Service Unavailable) from the partner."
    )
    OutboxMessage.objects.filter(pk=failing.pk).update(
        status="failed", attempts=2, last_error="No answer within 10 s (timed out)."
    )
    InboundRefusal.objects.create(
        partner="waste_contractor",
        path="/api/contractor/v1/jobs/x/events",
        reason="The signature does not match the body.",
        status_code=401,
    )
    return dead, failing


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(user_make(role=User.Role.ADMIN))
    return client


@pytest.mark.django_db
def test_the_page_lists_partners_troubled_messages_and_refusals(admin_client):
    _setup()
    html = admin_client.get("/staff/integrations/").content.decode()
    assert "Greenway" in html
    assert "HTTP 503 (Service Unavailable)" in html and "timed out" in html
    assert "The signature does not match the body." in html
    dead_only = admin_client.get("/staff/integrations/?status=dead").content.decode()
    assert "HTTP 503 (Service Unavailable)" in dead_only and "timed out" not in dead_only


@pytest.mark.django_db
def test_the_page_shows_what_waits_for_the_background_and_which_workers_beat(admin_client):
    from datetime import timedelta

    from django.utils import timezone

    service, api_client = make_open311_world()
    for n in range(3):
        Open311Submission.objects.create(
            client=api_client, service=service, reference=f"FT-2026-00010{n}", fingerprint=str(n)
        )
    Open311Submission.objects.filter(reference="FT-2026-000100").update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    WorkerHeartbeat.objects.create(
        worker="tasks@web-1:42", kind="tasks", beat_at=timezone.now(), started_at=timezone.now()
    )
    html = admin_client.get("/staff/integrations/").content.decode()
    section = html[html.index('id="background-work"') :]
    assert "Open311 requests accepted but not yet opened as cases" in section
    row = section[section.index("not yet opened as cases") :][:400]
    assert ">3<" in row and "2\xa0hours ago" in row
    assert "Background tasks failed after their last attempt" in section
    assert "tasks@web-1:42" in html and "Task worker" in html
    assert 'id="failed-tasks"' not in html  # nothing failed


@pytest.mark.django_db
def test_the_page_lists_tasks_that_failed_for_good(admin_client):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        status="FAILED",
        task_path="townhall.open311.tasks.open311_case_open",
        args_kwargs={"args": [], "kwargs": {"submission_id": 41}},
        backend_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now(),
        worker_ids=["a", "b", "c"],
        exception_class_path="builtins.KeyError",
        traceback="KeyError: 'usrn'",
    )
    html = admin_client.get("/staff/integrations/").content.decode()
    table = html[html.index('id="failed-tasks"') :]
    assert "townhall.open311.tasks.open311_case_open" in table and "builtins.KeyError" in table
    assert "submission_id" in table and ">3<" in table


@pytest.mark.django_db
def test_an_administrator_retries_a_dead_letter_and_it_is_audited(admin_client):
    dead, _ = _setup()
    response = admin_client.post(f"/staff/integrations/messages/{dead.pk}/retry/")
    assert response.status_code == 302
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == ("pending", 0)
    assert AuditEvent.objects.filter(action="outbox_retry", object_id=str(dead.pk)).exists()


@pytest.mark.django_db
def test_cancelling_needs_a_reason_and_then_stops_the_message(admin_client):
    _, failing = _setup()
    url = f"/staff/integrations/messages/{failing.pk}/cancel/"
    refused = admin_client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    failing.refresh_from_db()
    assert failing.status == "failed"
    admin_client.post(url, {"reason": "Booked by phone with the contractor instead."})
    failing.refresh_from_db()
    assert failing.status == "cancelled" and "by phone" in failing.last_error


@pytest.mark.django_db
@pytest.mark.parametrize("role", [User.Role.OFFICER, User.Role.AGENT, User.Role.MANAGER])
def test_other_staff_are_refused(role):
    dead, _ = _setup()
    client = Client()
    client.force_login(user_make(role=role))
    assert client.get("/staff/integrations/").status_code == 403
    assert client.post(f"/staff/integrations/messages/{dead.pk}/retry/").status_code == 403
    dead.refresh_from_db()
    assert dead.status == "dead"


@pytest.mark.django_db
def test_residents_and_strangers_never_get_in(client, django_user_model):
    assert client.get("/staff/integrations/").status_code == 302  # to sign in
    resident = django_user_model.objects.create_user(email="r@example.com", password="x" * 12)
    client.force_login(resident)
    assert client.get("/staff/integrations/").status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_integration_pages_pass_axe_on_desktop_and_phone(live_server, browser):
    dead, _ = _setup()
    admin = user_make(role=User.Role.ADMIN)
    admin.set_password(PASSWORD)
    admin.save()
    for viewport in (DESKTOP, PHONE_320):
        desk = new_page(browser, viewport=viewport)
        page = desk.page
        page.goto(live_server.url + "/staff/integrations/")
        page.get_by_label("Email address").fill(admin.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/staff/integrations/")
        desk.check(f"integrations {viewport}")
        page.goto(live_server.url + f"/staff/integrations/messages/{dead.pk}/")
        desk.check(f"message {viewport}")
        page.get_by_role("button", name="Cancel the message").click()
        desk.check(f"cancel error {viewport}")
        assert page.locator(".govuk-error-summary").is_visible()
        page.goto(live_server.url + "/staff/integrations/open311/")
        page.get_by_role("button", name="Issue a key").click()
        desk.check(f"open311 clients, error {viewport}")
        page.get_by_label("Client name").fill(f"Client {viewport['width']}")
        page.get_by_role("button", name="Issue a key").click()
        desk.check(f"open311 key issued {viewport}")
        page.get_by_role("link", name=f"Client {viewport['width']} request log").click()
        desk.check(f"open311 log {viewport}")
        page.get_by_label("Push status updates to").fill("not a url")
        page.get_by_role("button", name="Save").click()
        desk.check(f"open311 push error {viewport}")
        assert page.locator(".govuk-error-summary").is_visible()
        page.goto(live_server.url + "/staff/audit/?email=nobody@example.com")
        desk.check(f"audit search error {viewport}")
        page.goto(live_server.url + f"/staff/audit/people/{admin.pk}/")
        desk.check(f"audit person {viewport}")


@pytest.mark.django_db
def test_failed_emails_are_listed_and_sent_again_or_cancelled(
    admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    failed = SentMessage.objects.create(
        idempotency_key="case-event-1-email",
        channel="email",
        recipient="rae@example.com",
        subject="Your request",
        body="Hello",
        status="failed",
        attempts=6,
        last_error="SMTP 451 try later",
        correlation="GW-2026-000001",
    )
    other = SentMessage.objects.create(
        idempotency_key="case-event-2-sms",
        channel="sms",
        recipient="07700900123",
        body="Hi",
        status="failed",
        attempts=6,
        last_error="Notify said 400: bad number",
    )
    html = admin_client.get("/staff/integrations/").content.decode()
    assert "SMTP 451 try later" in html and "bad number" in html
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/staff/integrations/notifications/{failed.pk}/retry/")
    failed.refresh_from_db()
    assert failed.status == "sent" and [m.to for m in mailoutbox] == [["rae@example.com"]]
    admin_client.post(f"/staff/integrations/notifications/{other.pk}/cancel/", {"reason": "Wrong"})
    other.refresh_from_db()
    assert other.status == "cancelled" and "bad number" in other.last_error


@pytest.mark.django_db
def test_an_administrator_issues_a_key_shown_once_reads_its_log_and_revokes_it(admin_client):
    refused = admin_client.post("/staff/integrations/open311/", {"name": ""})
    assert refused.status_code == 400 and "Enter the client" in refused.content.decode()
    page = admin_client.post("/staff/integrations/open311/", {"name": "StreetFix app"})
    html = page.content.decode()
    key = html.split("data-new-key>")[1].split("<")[0]
    client = api_client_for_key(key)
    assert client is not None and client.name == "StreetFix app"
    assert page["Cache-Control"] == "no-store"
    assert key not in admin_client.get("/staff/integrations/open311/").content.decode()
    admin_client.get(f"/open311/v2/requests.json?api_key={key}")
    log = admin_client.get(f"/staff/integrations/open311/{client.pk}/").content.decode()
    assert "GET /open311/v2/requests.json" in log
    admin_client.post(f"/staff/integrations/open311/{client.pk}/revoke/")
    assert api_client_for_key(key) is None
    assert ApiClient.objects.get(pk=client.pk).revoked_at is not None


@pytest.mark.django_db
def test_an_administrator_lists_who_saw_a_persons_data(admin_client, waste):
    resident = user_make(role=User.Role.RESIDENT, full_name="Rae Resident")
    case = case_make(service=waste, resident=resident)
    nosy = user_make(role=User.Role.OFFICER, departments=[waste.department], full_name="Nora Nosy")
    client = Client()
    client.force_login(nosy)
    seen = client.get(f"/staff/cases/{case.reference}/")
    assert seen.status_code == 200, seen.status_code
    found = admin_client.get("/staff/audit/", {"email": resident.email})
    assert found["Location"] == f"/staff/audit/people/{resident.pk}/"
    html = admin_client.get(found["Location"]).content.decode()
    assert "Nora Nosy" in html and case.reference in html
    missing = admin_client.get("/staff/audit/", {"email": "nobody@example.com"})
    assert missing.status_code == 400
    assert client.get(f"/staff/audit/people/{resident.pk}/").status_code == 403
