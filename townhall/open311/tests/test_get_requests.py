"""GET requests and GET requests/{id}: filters, the 90-day window, shapes and privacy."""

from datetime import timedelta

import pytest
from django.utils import timezone

from townhall.cases.models import Case
from townhall.cases.services import case_change_status, case_create
from townhall.catalogue.models import Service
from townhall.open311 import selectors
from townhall.open311.tests.factories import BASE, good_report, make_open311_world, xml_root
from townhall.portal.tests.fixtures import make_service

pytestmark = pytest.mark.django_db

URL = BASE + "requests.json"


@pytest.fixture
def world():
    return make_open311_world()


def _case(service: Service, days_ago: float = 0, **extra) -> Case:
    return case_create(
        service=service,
        summary=extra.pop("summary", "Bags by the bins"),
        channel="web",
        lat=51.1465,
        lon=0.875,
        received_at=timezone.now() - timedelta(days=days_ago),
        notify=False,
        **extra,
    )


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.json()]


def test_requests_lists_the_last_90_days_newest_first(client, world):
    service, _ = world
    old = _case(service, days_ago=120)
    recent = _case(service, days_ago=10)
    today = _case(service)
    assert _ids(client.get(URL)) == [today.reference, recent.reference]
    assert old.reference not in _ids(client.get(URL + "?start_date=&end_date="))


def test_a_request_has_the_specs_fields_and_no_contact_details(client, world):
    service, _ = world
    case = _case(service, contact_email="private@example.com", contact_name="Pat Private")
    [request] = client.get(URL).json()
    assert request["service_request_id"] == case.reference
    assert request["status"] == "open"
    assert request["service_code"] == "fly_tipping"
    assert request["service_name"] == "Report fly-tipping"
    assert request["description"] == "Bags by the bins"
    assert request["agency_responsible"] == "Waste and street scene"
    assert request["lat"] == 51.1465
    assert request["long"] == 0.875
    # W3C datetimes with a time zone.
    assert request["requested_datetime"][19:] in ("+00:00", "+01:00")
    assert request["expected_datetime"]
    assert "private" not in str(request).lower()


def test_statuses_map_to_open_and_closed_and_filter(client, world):
    service, _ = world
    open_case = _case(service)
    working = _case(service)
    case_change_status(case=working, actor=None, status="in_progress", notify=False)
    closed = _case(service)
    case_change_status(
        case=closed, actor=None, status="closed", resolution="completed", notify=False
    )
    statuses = {r["service_request_id"]: r["status"] for r in client.get(URL).json()}
    assert statuses == {
        open_case.reference: "open",
        working.reference: "open",
        closed.reference: "closed",
    }
    assert set(_ids(client.get(URL + "?status=closed"))) == {closed.reference}
    assert set(_ids(client.get(URL + "?status=open"))) == {open_case.reference, working.reference}
    assert len(_ids(client.get(URL + "?status=open,closed"))) == 3
    assert client.get(URL + "?status=pending").status_code == 400


def test_filter_by_service_codes_and_by_ids(client, world):
    service, _ = world
    other = make_service(slug="graffiti", name="Report graffiti", prefix="GR")
    Service.objects.filter(pk=other.pk).update(open311_code="graffiti")
    other.refresh_from_db()
    tip = _case(service)
    graffiti = _case(other)
    old = _case(service, days_ago=200)
    assert _ids(client.get(URL + "?service_code=graffiti")) == [graffiti.reference]
    assert len(_ids(client.get(URL + "?service_code=graffiti,fly_tipping"))) == 2
    # Ids override every other filter, the 90-day window included.
    by_ids = _ids(client.get(URL + f"?service_request_id={tip.reference},{old.reference}"))
    assert set(by_ids) == {tip.reference, old.reference}


def test_date_range_and_its_limits(client, world):
    service, _ = world
    case = _case(service, days_ago=100)
    start = (timezone.now() - timedelta(days=110)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=95)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _ids(client.get(URL, {"start_date": start, "end_date": end})) == [case.reference]
    assert _ids(client.get(URL, {"start_date": start})) == [case.reference]
    too_wide = client.get(URL, {"start_date": "2020-01-01T00:00:00Z", "end_date": end})
    assert too_wide.status_code == 400
    assert "90 days" in too_wide.json()[0]["description"]
    assert client.get(URL, {"start_date": "yesterday"}).status_code == 400
    assert client.get(URL, {"start_date": end, "end_date": start}).status_code == 400


def test_no_more_than_1000_requests_are_returned(client, world, monkeypatch):
    assert selectors.REQUESTS_LIMIT == 1000
    service, _ = world
    for _ in range(3):
        _case(service)
    monkeypatch.setattr(selectors, "REQUESTS_LIMIT", 2)
    assert len(_ids(client.get(URL))) == 2


def test_cases_of_sensitive_or_uncoded_services_are_not_listed(client, world):
    service, _ = world
    sensitive = make_service(slug="complaint", name="Complain", prefix="CO")
    Service.objects.filter(pk=sensitive.pk).update(is_sensitive=True, open311_code="complaint")
    sensitive.refresh_from_db()
    hidden = _case(sensitive)
    assert _ids(client.get(URL)) == []
    assert client.get(BASE + f"requests/{hidden.reference}.json").status_code == 404


def test_one_request_by_id_is_a_list_of_one_in_both_formats(client, world):
    service, _ = world
    case = _case(service)
    response = client.get(BASE + f"requests/{case.reference}.json")
    assert [r["service_request_id"] for r in response.json()] == [case.reference]
    root = xml_root(client.get(BASE + f"requests/{case.reference}.xml").content)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == case.reference
    assert request.findtext("status") == "open"


@pytest.mark.parametrize("suffix", [".json", ".xml", ""])
def test_an_unknown_request_is_a_404_error_list(client, world, suffix):
    response = client.get(BASE + f"requests/FT-1999-000001{suffix}")
    assert response.status_code == 404
    if suffix == ".xml":
        root = xml_root(response.content)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "404"
    else:
        [error] = response.json()
        assert error["code"] == 404
        assert "FT-1999-000001" in error["description"]


def test_tokens_are_not_issued_so_none_is_found(client, world):
    response = client.get(BASE + "tokens/abc123.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_an_open311_report_reads_back_with_its_full_description(client, world):
    long_text = "First line\n" + "more detail " * 50
    posted = client.post(URL, good_report(description=long_text)).json()[0]
    [request] = client.get(BASE + f"requests/{posted['service_request_id']}.json").json()
    assert request["description"] == long_text.strip()


def test_status_notes_are_the_latest_public_status_note(client, world):
    service, _ = world
    case = _case(service)
    case_change_status(
        case=case,
        actor=None,
        status="closed",
        resolution="completed",
        public_note="Cleared by the street team",
        notify=False,
    )
    [request] = client.get(URL).json()
    assert request["status_notes"] == "Cleared by the street team"


def test_listing_requests_costs_the_same_queries_however_many(
    client, world, django_assert_max_num_queries
):
    service, _ = world
    for _ in range(10):
        _case(service)
    with django_assert_max_num_queries(2):
        assert len(client.get(URL).json()) == 10


@pytest.mark.parametrize("end_date", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"])
def test_dates_beyond_any_report_are_refused_not_a_server_error(client, end_date):
    response = client.get(BASE + "requests.json", {"end_date": end_date})
    assert response.status_code == 400
    assert "between the years 1900 and 9000" in response.json()[0]["description"]


@pytest.mark.parametrize("end_date", ["2026-02-26T01:07:51+20:30", "3284-02-26T01:07:51+20:30"])
def test_an_offset_beyond_the_databases_range_is_read_in_utc(client, end_date):
    response = client.get(BASE + "requests.json", {"end_date": end_date})
    assert response.status_code == 200
