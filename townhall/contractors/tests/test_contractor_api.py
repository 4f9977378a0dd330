"""A contractor's status updates through the signed API, each driving the case's process."""

import base64
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseAttachment
from townhall.contractors.models import ContractorEvent, ContractorJob
from townhall.contractors.services import contractor_job_create
from townhall.demo.contractors import DEMO_PULL_TOKEN, DEMO_SECRET
from townhall.integrations.models import InboundRefusal, OutboxMessage
from townhall.integrations.signing import signature_make
from townhall.workflow.models import ProcessInstance
from townhall.workflow.services import work_item_complete
from townhall.workflow.tests.helpers import case_open, only_open_item

pytestmark = pytest.mark.django_db


def _hazardous_fly_tip(catalogue, where: str = "Behind the garages, Mill Lane") -> Case:
    return case_open(
        catalogue["report-fly-tipping"],
        {"waste_types": ["asbestos"], "amount": "car_boot"},
        location_text=where,
        lat=51.15,
        lon=0.87,
    )


def _photo() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (40, 160, 60)).save(out, "JPEG")
    return base64.b64encode(out.getvalue()).decode()


def _post(client, job_id, data, *, partner="specialist_clearance", secret=DEMO_SECRET, **extra):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    headers = {"HTTP_X_TOWNHALL_PARTNER": partner}
    if secret is not None:
        headers["HTTP_X_TOWNHALL_SIGNATURE"] = signature_make(secret, body)
    headers.update(extra)
    return client.post(
        f"/api/contractor/v1/jobs/{job_id}/events",
        data=body,
        content_type="application/json",
        **headers,
    )


def _event(status, *, minutes=0, event_id=None, **more):
    when = datetime.now(UTC) - timedelta(minutes=30) + timedelta(minutes=minutes)
    return {
        "event_id": event_id or f"ev-{status}-{minutes}",
        "status": status,
        "occurred_at": when.isoformat(),
        **more,
    }


def test_a_hazardous_fly_tip_makes_a_job_with_its_message_in_one_go(catalogue):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    assert job.contractor.partner.name == "specialist_clearance"
    assert job.outbox.payload["job_id"] == str(job.job_id)
    assert job.outbox.payload["reference"] == case.reference
    assert "contact_email" not in json.dumps(job.outbox.payload)  # no personal details sent
    assert job.outbox.status == OutboxMessage.Status.PENDING


def test_the_contractor_accepts_works_and_completes_with_evidence(client, catalogue):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    assert _post(client, job.job_id, _event("10")).status_code == 201
    assert _post(client, job.job_id, _event("20", minutes=5)).status_code == 201
    done = _event(
        "90",
        minutes=10,
        note="Bagged and removed.",
        lat=51.1501,
        lon=0.8702,
        photos=[{"filename": "after.jpg", "content_base64": _photo()}],
    )
    response = _post(client, job.job_id, done)
    assert response.status_code == 201, response.content
    assert response.json()["job_status"] == "completed"
    job.refresh_from_db()
    assert job.status == ContractorJob.Status.COMPLETED
    evidence = CaseAttachment.objects.get(case=case)
    assert evidence.is_public is False and evidence.content_type == "image/jpeg"
    # The process moved on: an officer checks the evidence photo.
    assert only_open_item(case).title == "Check the evidence photo"
    notes = list(case.events.filter(is_public=False).values_list("text", flat=True))
    assert any("Bagged and removed." in n and "51.15010" in n for n in notes)


def test_a_rejected_job_goes_to_an_officer_and_the_resident_is_not_told_it_is_done(
    client, catalogue, mailoutbox
):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    sent_before = len(mailoutbox)
    response = _post(client, job.job_id, _event("99", note="Not ours: private land."))
    assert response.status_code == 201
    case.refresh_from_db()
    assert case.status != Case.Status.CLOSED
    item = only_open_item(case)
    assert item.title == "The contractor rejected the job: decide what to do"
    assert len(mailoutbox) == sent_before  # nothing misleading went to the resident


def test_an_officer_sends_a_rejected_job_again_as_a_new_job(client, catalogue):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    _post(client, job.job_id, _event("99"))
    work_item_complete(work_item=only_open_item(case), actor=None, outcome="resend", data={})
    jobs = ContractorJob.objects.filter(case=case)
    assert jobs.count() == 2
    assert len({j.outbox.idempotency_key for j in jobs}) == 2


def test_a_duplicate_update_is_acknowledged_and_applied_once(client, catalogue):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    first = _post(client, job.job_id, _event("10", event_id="same"))
    again = _post(client, job.job_id, _event("10", event_id="same"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True
    assert ContractorEvent.objects.filter(job=job).count() == 1
    assert case.events.filter(text__contains="accepted (10)").count() == 1


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        (_event("20", minutes=5), _event("10", minutes=6), "cannot go back"),
        (_event("10", minutes=5), _event("20", minutes=1), "before the last one"),
        (_event("99", minutes=1), _event("90", minutes=2), "no further updates"),
    ],
)
def test_out_of_order_updates_are_refused_and_change_nothing(
    client, catalogue, first, second, reason
):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    assert _post(client, job.job_id, first).status_code == 201
    job.refresh_from_db()
    events_before = case.events.count()
    response = _post(client, job.job_id, second)
    assert response.status_code == 409
    assert reason in response.json()["error"]
    assert case.events.count() == events_before
    assert ContractorJob.objects.get(pk=job.pk).status == job.status
    assert InboundRefusal.objects.filter(reason__contains=reason).exists()


@pytest.mark.parametrize(
    ("kwargs", "status", "reason"),
    [
        ({"secret": "not-the-secret"}, 401, "does not match"),
        ({"secret": None}, 401, "header is missing"),
        ({"partner": "nobody"}, 401, "No partner called"),
    ],
)
def test_bad_signatures_and_unknown_partners_are_refused_and_logged(
    client, catalogue, kwargs, status, reason
):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    response = _post(client, job.job_id, _event("90"), **kwargs)
    assert response.status_code == status
    assert reason in response.json()["error"]
    assert InboundRefusal.objects.get().status_code == status
    assert ContractorJob.objects.get(pk=job.pk).status == ContractorJob.Status.SENT


def test_a_replayed_request_with_an_old_timestamp_is_refused(client, catalogue):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    body = json.dumps(_event("10")).encode()
    old = signature_make(DEMO_SECRET, body, timestamp=int(datetime.now(UTC).timestamp()) - 3600)
    response = _post(client, job.job_id, body, secret=None, HTTP_X_TOWNHALL_SIGNATURE=old)
    assert response.status_code == 401 and "replay" in response.json()["error"]


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b"[]", 400, "JSON object"),
        (json.dumps({"event_id": "x", "status": "ZZ"}).encode(), 400, "not one of your"),
        (
            json.dumps({"event_id": "x", "status": "10", "occurred_at": "yesterday"}).encode(),
            400,
            "ISO 8601",
        ),
        (json.dumps(_event("90", lat=51.1)).encode(), 400, "both lat and lon"),
        (
            json.dumps(_event("90", photos=[{"content_base64": "bm90IGEgcGhvdG8="}])).encode(),
            400,
            "not a photo",
        ),
    ],
)
def test_malformed_updates_are_refused_with_the_reason(client, catalogue, body, status, reason):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    response = _post(client, job.job_id, body)
    assert response.status_code == status
    assert reason in response.json()["error"]
    assert ContractorJob.objects.get(pk=job.pk).status == ContractorJob.Status.SENT


def test_an_unknown_job_or_another_contractors_job_is_refused(client, catalogue):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    unknown = _post(client, "6f0e7d8c-0000-4000-8000-000000000000", _event("10"))
    assert unknown.status_code == 404 and "no job" in unknown.json()["error"]
    theirs = _post(client, job.job_id, _event("ACK"), partner="waste_contractor")
    assert theirs.status_code == 404


def test_a_pulling_contractor_fetches_and_acknowledges_with_its_token(client, catalogue):
    case = case_open(catalogue["report-a-missed-bin-collection"], {})
    job = contractor_job_create(
        case=case,
        partner="waste_contractor",
        kind="return_collection",
        reply="job_done",
        idempotency_key="pull-test-1",
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {DEMO_PULL_TOKEN}"}
    listed = client.get("/api/contractor/v1/messages", **auth).json()["messages"]
    assert [m["payload"]["job_id"] for m in listed] == [str(job.job_id)]
    ack = client.post("/api/contractor/v1/messages/pull-test-1/ack", **auth)
    assert ack.json()["status"] == "delivered"
    assert client.get("/api/contractor/v1/messages", **auth).json()["messages"] == []
    bad = client.get("/api/contractor/v1/messages", HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401


def test_the_process_is_not_waiting_any_more_and_the_case_says_so(client, catalogue):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    ProcessInstance.objects.filter(case=case).update(status=ProcessInstance.Status.CANCELLED)
    assert _post(client, job.job_id, _event("90")).status_code == 201
    assert case.events.filter(text__contains="was not waiting").exists()


def test_the_desk_case_page_shows_the_job_and_its_updates(client, catalogue):
    case = _hazardous_fly_tip(catalogue)
    job = ContractorJob.objects.get(case=case)
    _post(client, job.job_id, _event("10", note="Crew booked for Tuesday."))
    officer = User.objects.create_user(
        "olive@example.gov.uk", "Not-a-real-pass-1", role=User.Role.OFFICER
    )
    officer.departments.add(case.department)
    client.force_login(officer)
    html = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Contractor jobs" in html and "Hazclear" in html
    assert "Crew booked for Tuesday." in html and str(job.job_id) in html
