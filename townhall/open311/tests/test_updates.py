"""mySociety's servicerequestupdates: the council's updates out, the client's comments in."""

import pytest

from townhall.cases.models import Case, CaseEvent
from townhall.cases.services import case_add_note, case_change_status
from townhall.open311.clients import api_client_create
from townhall.open311.tests.factories import BASE, KEY, good_report, make_open311_world, xml_root
from townhall.portal.tests.fixtures import make_resident

pytestmark = pytest.mark.django_db

URL = BASE + "servicerequestupdates.json"


@pytest.fixture
def reported(client):
    make_open311_world()
    reference = client.post(BASE + "requests.json", good_report()).json()[0]["service_request_id"]
    return Case.objects.get(reference=reference)


def test_updates_need_a_key(client, reported):
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"api_key": "wrong"}).json()[0]["code"] == 403


def test_the_councils_updates_reach_the_client_with_extended_statuses(client, reported):
    officer = make_resident("officer@example.gov.uk")
    case_add_note(case=reported, actor=officer, text="Crew booked for Tuesday", is_public=True)
    case_add_note(case=reported, actor=officer, text="Internal only", is_public=False)
    case_change_status(
        case=reported,
        actor=officer,
        status="closed",
        resolution="completed",
        public_note="Cleared",
        notify=False,
    )
    updates = client.get(URL, {"api_key": KEY}).json()
    assert [(u["description"], u["status"]) for u in updates] == [
        ("Crew booked for Tuesday", "OPEN"),
        ("Cleared", "FIXED"),
    ]
    assert updates[1]["external_status_code"] == "completed"
    assert {u["service_request_id"] for u in updates} == {reported.reference}
    assert updates[0]["updated_datetime"][19:] in ("+00:00", "+01:00")

    root = xml_root(client.get(BASE + f"servicerequestupdates.xml?api_key={KEY}").content)
    assert root.tag == "service_request_updates"
    assert [u.findtext("status") for u in root.findall("request_update")] == ["OPEN", "FIXED"]


def test_a_client_sees_only_updates_on_its_own_requests(client, reported):
    case_change_status(case=reported, actor=None, status="in_progress", notify=False)
    api_client_create(name="Other app", key="other-key")
    assert client.get(URL, {"api_key": "other-key"}).json() == []
    [update] = client.get(URL, {"api_key": KEY}).json()
    assert update["status"] == "IN_PROGRESS"


def test_update_dates_are_checked(client, reported):
    response = client.get(URL, {"api_key": KEY, "start_date": "soon"})
    assert response.status_code == 400


def test_a_client_posts_a_comment_once_however_often_it_retries(client, reported):
    data = {
        "api_key": KEY,
        "service_request_id": reported.reference,
        "update_id": "fms-991",
        "description": "It is still there & growing",
        "status": "OPEN",
    }
    first = client.post(URL, data)
    assert first.status_code == 200
    again = client.post(URL, data)
    assert again.json() == first.json()
    comments = CaseEvent.objects.filter(case=reported, kind=CaseEvent.Kind.RESIDENT_COMMENT)
    assert [c.text for c in comments] == ["It is still there & growing"]
    # The client's own comment is not sent back to it as a council update.
    assert client.get(URL, {"api_key": KEY}).json() == []


def test_posted_updates_report_every_problem(client, reported):
    response = client.post(URL, {"api_key": KEY, "description": "x" * 4001})
    assert response.status_code == 400
    descriptions = [e["description"] for e in response.json()]
    assert any("service_request_id is required" in d for d in descriptions)
    assert any("4,000 characters" in d for d in descriptions)
    unknown = client.post(
        URL, {"api_key": KEY, "service_request_id": "FT-1999-000001", "description": "hi"}
    )
    assert unknown.status_code == 404


def test_a_closed_request_takes_no_more_updates(client, reported):
    case_change_status(
        case=reported, actor=None, status="closed", resolution="duplicate", notify=False
    )
    response = client.post(
        URL, {"api_key": KEY, "service_request_id": reported.reference, "description": "Hello"}
    )
    assert response.status_code == 400
    assert "closed" in response.json()[0]["description"]
    [update] = client.get(URL, {"api_key": KEY}).json()
    assert update["status"] == "DUPLICATE"
