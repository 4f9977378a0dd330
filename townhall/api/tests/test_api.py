"""The staff JSON API: token auth, the desk's permissions, writes through cases.services."""

import pytest
from django.core.management import call_command
from django.test import Client

from townhall.api.auth import api_token_issue, api_token_revoke
from townhall.api.models import ApiToken
from townhall.api.tests.conftest import bearer
from townhall.cases.models import Case, CaseEvent
from townhall.core.models import AuditEvent
from townhall.desk.tests.factories import case_make, user_make

pytestmark = pytest.mark.django_db


def test_openapi_document_describes_cases_notes_and_status_changes():
    document = Client().get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {
        "/api/cases",
        "/api/cases/{reference}",
        "/api/cases/{reference}/notes",
        "/api/cases/{reference}/status",
    } <= set(document["paths"])


@pytest.mark.parametrize(
    "header", ["", "Bearer nonsense", "Bearer th_not-a-real-token", "Basic abc"]
)
def test_requests_without_a_valid_token_are_refused(waste, header):
    case_make(service=waste)
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get("/api/cases", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_revoked_token_is_refused(officer):
    token, raw = api_token_issue(user=officer, name="laptop")
    api_token_revoke(token=token)
    assert Client().get("/api/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_only_a_digest_of_the_token_is_stored(officer):
    token, raw = api_token_issue(user=officer, name="laptop")
    assert raw not in token.digest and len(token.digest) == 64


def test_residents_cannot_have_tokens_and_an_old_token_stops_working_when_role_changes(officer):
    resident = user_make(role="resident")
    with pytest.raises(ValueError):
        api_token_issue(user=resident, name="x")
    headers = bearer(officer)
    officer.role = "resident"
    officer.save()
    assert Client().get("/api/cases", **headers).status_code == 401


def test_officer_lists_only_their_departments_cases(officer, waste, housing):
    mine = case_make(service=waste)
    case_make(service=housing)
    body = Client().get("/api/cases", **bearer(officer)).json()
    assert body["count"] == 1
    assert [c["reference"] for c in body["results"]] == [mine.reference]


def test_officer_gets_404_for_another_departments_case_by_every_route(officer, housing):
    other = case_make(service=housing)
    client, headers = Client(), bearer(officer)
    base = f"/api/cases/{other.reference}"
    for url in [base, f"{base}/events", f"{base}/notes"]:
        assert client.get(url, **headers).status_code == 404, url
    assert (
        client.post(
            f"{base}/notes", {"text": "hi"}, content_type="application/json", **headers
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{base}/status", {"status": "in_progress"}, content_type="application/json", **headers
        ).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.status == "open" and other.events.count() == 1


def test_reading_a_case_writes_an_audit_record(officer, waste):
    case = case_make(service=waste)
    Client().get(f"/api/cases/{case.reference}", **bearer(officer))
    event = AuditEvent.objects.get(object_type="case", object_id=case.reference)
    assert (event.actor, event.reason) == (officer, "staff API")


def test_note_added_through_the_case_service(officer, waste):
    case = case_make(service=waste)
    response = Client().post(
        f"/api/cases/{case.reference}/notes",
        {"text": "Crew booked", "is_public": False},
        content_type="application/json",
        **bearer(officer),
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "internal_note"
    case.refresh_from_db()
    assert case.lock_version == 1  # the service bumps the version: the same door as the desk
    assert case.events.filter(kind=CaseEvent.Kind.INTERNAL_NOTE, actor=officer).exists()


def test_status_change_and_invalid_transition_and_stale_edit(officer, waste):
    case = case_make(service=waste)
    client, headers = Client(), bearer(officer)
    url = f"/api/cases/{case.reference}/status"
    ok = client.post(
        url,
        {"status": "in_progress", "lock_version": 0},
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 200 and ok.json()["status"] == "in_progress"
    stale = client.post(
        url, {"status": "open", "lock_version": 0}, content_type="application/json", **headers
    )
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["detail"]
    no_resolution = client.post(
        url, {"status": "closed"}, content_type="application/json", **headers
    )
    assert no_resolution.status_code == 422
    assert no_resolution.json()["errors"][0]["loc"][-1] == "resolution"
    already = client.post(
        url, {"status": "in_progress"}, content_type="application/json", **headers
    )
    assert already.status_code == 409
    assert "already In progress" in already.json()["detail"]
    assert Case.objects.get().status == "in_progress"


def test_closing_with_a_resolution_through_the_api(officer, waste):
    case = case_make(service=waste)
    response = Client().post(
        f"/api/cases/{case.reference}/status",
        {"status": "closed", "resolution": "completed", "public_note": "Cleared today"},
        content_type="application/json",
        **bearer(officer),
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["resolution"]) == ("closed", "completed")


def test_oversized_note_and_unknown_status_are_refused_with_422(officer, waste):
    case = case_make(service=waste)
    client, headers = Client(), bearer(officer)
    big = client.post(
        f"/api/cases/{case.reference}/notes",
        {"text": "x" * 5001},
        content_type="application/json",
        **headers,
    )
    bad = client.post(
        f"/api/cases/{case.reference}/status",
        {"status": "done"},
        content_type="application/json",
        **headers,
    )
    assert big.status_code == 422 and bad.status_code == 422
    assert case.events.count() == 1


def test_bad_paging_is_refused_with_the_reason(officer):
    response = Client().get("/api/cases?limit=1000", **bearer(officer))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "limit"]


def test_token_command_prints_a_working_token(officer, capsys):
    call_command("api_token_issue", officer.email, "--name", "script")
    raw = capsys.readouterr().out.strip()
    assert ApiToken.objects.get().name == "script"
    assert Client().get("/api/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_signed_in_session_is_not_enough_for_the_api(officer, waste):
    """Browser sessions (resident or staff) never reach the API: only bearer tokens do,
    so a cross-site request cannot act with someone's cookie."""
    case_make(service=waste)
    resident = user_make(role="resident")
    for user in (resident, officer):
        client = Client()
        client.force_login(user)
        assert client.get("/api/cases").status_code == 401


def test_resident_with_a_staff_token_string_cannot_read_cases(waste):
    case = case_make(service=waste)
    response = Client().get(f"/api/cases/{case.reference}", HTTP_AUTHORIZATION="Bearer th_x")
    assert response.status_code == 401


@pytest.mark.django_db
def test_assign_and_merge_through_the_api_use_the_same_rules(client, officer, waste, housing):
    original, duplicate = case_make(service=waste), case_make(service=waste)
    colleague = user_make(role="officer", departments=[waste.department])
    outsider = user_make(role="officer", departments=[housing.department])
    auth = bearer(officer)
    url = f"/api/cases/{duplicate.reference}/assign"
    refused = client.post(
        url, {"assignee_id": outsider.pk}, content_type="application/json", **auth
    )
    assert refused.status_code == 409 and "that department" in refused.json()["detail"]
    ok = client.post(url, {"assignee_id": colleague.pk}, content_type="application/json", **auth)
    assert ok.status_code == 200
    merged = client.post(
        f"/api/cases/{duplicate.reference}/merge",
        {"original": original.reference},
        content_type="application/json",
        **auth,
    )
    assert merged.status_code == 200 and merged.json()["status"] == "closed"
