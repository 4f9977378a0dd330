"""Every Open311 read agrees with the others: a request is in every list it matches, with the
by-id read's fields, from the moment its id is given, whether or not its case has opened.

These run with the database task backend, as in production, so a posted request really waits
for a worker (`db_worker --batch` here) and the reads meanwhile find it as accepted only."""

from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from townhall.cases.models import Case
from townhall.cases.services import case_create
from townhall.catalogue.models import Service
from townhall.open311 import selectors
from townhall.open311.formats import w3c
from townhall.open311.generation import (
    GENERATION_KEY,
    generation_bump,
    generation_bump_on_commit,
    generation_current,
)
from townhall.open311.models import Open311Submission
from townhall.open311.opening import submission_case_open
from townhall.open311.tests.factories import BASE, KEY, good_report, make_open311_world, xml_root
from townhall.portal.tests.fixtures import make_service

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notifications", "workflow"],
    }
}
# What may change when the case opens; every other field a client read stays as it was.
MOVING = {"status_notes", "updated_datetime"}


@pytest.fixture
def world(settings):
    settings.TASKS = DB_TASKS
    service, _ = make_open311_world()
    graffiti = make_service(slug="graffiti", name="Report graffiti", prefix="GR")
    Service.objects.filter(pk=graffiti.pk).update(open311_code="graffiti")
    # A request opened the day before, from the portal: lists hold more than the new one.
    earlier = case_create(
        service=service,
        summary="Bags by the bins",
        lat=51.1465,
        lon=0.875,
        received_at=timezone.now() - timedelta(days=1),
        notify=False,
    )
    return service, earlier


def _worker_runs() -> None:
    call_command("db_worker", batch=True, startup_delay=False, queue_name="*", verbosity=0)


def _post(client, **overrides) -> str:
    response = client.post(BASE + "requests.json", good_report(**overrides))
    assert response.status_code == 200, response.content
    return response.json()[0]["service_request_id"]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _list_forms(reference: str, earlier: str, now: datetime) -> dict[str, dict[str, str]]:
    """Every filter of GET requests that a request posted a moment after `now` matches."""
    return {
        "by id": {"service_request_id": reference},
        "by ids": {"service_request_id": f"{earlier},{reference}"},
        "by service code": {"service_code": "fly_tipping"},
        "by service codes": {"service_code": "graffiti,fly_tipping"},
        "open": {"status": "open"},
        "open and closed": {"status": "open,closed"},
        "open, by service code": {"status": "open", "service_code": "fly_tipping"},
        "within a window": {
            "start_date": _stamp(now - timedelta(hours=1)),
            "end_date": _stamp(now + timedelta(hours=1)),
        },
        "from a start": {"start_date": _stamp(now - timedelta(hours=1))},
        "all in 90 days": {},
    }


def _unmatched_forms(now: datetime) -> dict[str, dict[str, str]]:
    """Filters the new request does not match: it must be left out of these."""
    return {
        "closed": {"status": "closed"},
        "another service": {"service_code": "graffiti"},
        "an earlier window": {
            "start_date": _stamp(now - timedelta(days=3)),
            "end_date": _stamp(now - timedelta(hours=1)),
        },
        "another id": {"service_request_id": "FT-1999-000001"},
    }


def _as_xml_text(item: dict) -> dict[str, str]:
    """A JSON item's fields as the XML answer writes them (None is an empty element)."""
    return {name: "" if value is None else str(value) for name, value in item.items()}


def _read(client, params: dict[str, str], reference: str) -> tuple[list[dict], list[dict]]:
    """The items with this id in the JSON and in the XML answer of GET requests."""
    as_json = client.get(BASE + "requests.json", params)
    assert as_json.status_code == 200, as_json.content
    as_xml = client.get(BASE + "requests.xml", params)
    assert as_xml.status_code == 200, as_xml.content
    in_json = [r for r in as_json.json() if r["service_request_id"] == reference]
    in_xml = [
        {child.tag: child.text or "" for child in element}
        for element in xml_root(as_xml.content).findall("request")
        if element.findtext("service_request_id") == reference
    ]
    return in_json, in_xml


def _by_id(client, reference: str) -> dict:
    response = client.get(f"{BASE}requests/{reference}.json")
    assert response.status_code == 200, response.content
    [item] = response.json()
    [element] = xml_root(client.get(f"{BASE}requests/{reference}.xml").content).findall("request")
    assert {child.tag: child.text or "" for child in element} == _as_xml_text(item)
    return item


def _every_list_gives(client, reference: str, earlier: str, item: dict, now: datetime) -> None:
    for form, params in _list_forms(reference, earlier, now).items():
        in_json, in_xml = _read(client, params, reference)
        assert in_json == [item], form
        assert in_xml == [_as_xml_text(item)], form
    for form, params in _unmatched_forms(now).items():
        assert _read(client, params, reference) == ([], []), form


def _unchanged_but_moving(before: dict, after: dict) -> None:
    assert {k: v for k, v in after.items() if k not in MOVING} == {
        k: v for k, v in before.items() if k not in MOVING
    }
    moved = datetime.fromisoformat(after["updated_datetime"])
    assert moved >= datetime.fromisoformat(before["updated_datetime"])


def _accept_read_open_read(client, world, now: datetime) -> str:
    _, earlier = world
    reference = _post(client)
    assert not Case.objects.filter(reference=reference).exists()  # no worker has run
    submission = Open311Submission.objects.get(reference=reference)

    waiting = _by_id(client, reference)
    assert waiting["status"] == "open" and waiting["status_notes"] is None
    assert waiting["requested_datetime"] == w3c(submission.created_at)
    assert waiting["expected_datetime"] is not None  # the service's clock from receipt
    assert waiting["address"] == "Near Bank Street"
    _every_list_gives(client, reference, earlier.reference, waiting, now)

    _worker_runs()
    case = Case.objects.get(reference=reference)
    assert case.created_at == submission.created_at

    opened = _by_id(client, reference)
    _unchanged_but_moving(waiting, opened)
    assert opened["updated_datetime"] == w3c(case.updated_at)
    assert opened["expected_datetime"] == w3c(case.due_at)
    assert opened["address"] == case.location_text
    _every_list_gives(client, reference, earlier.reference, opened, now)
    return reference


def test_an_accepted_request_is_in_every_list_it_matches_and_stays_one_when_opened(client, world):
    _accept_read_open_read(client, world, timezone.now())


def test_the_shared_cache_never_serves_a_list_older_than_the_last_accepted_request(client, world):
    _, earlier = world
    now = timezone.now()
    # References are issued in turn: the next one can be asked for before it exists.
    prefix, number = earlier.reference.rsplit("-", 1)
    coming = f"{prefix}-{int(number) + 1:06d}"
    with override_settings(OPEN311_CACHE_SECONDS=30):
        # Every list form read (and kept) before the post, in both formats: none has it yet.
        for params in _list_forms(coming, earlier.reference, now).values():
            for suffix in ("json", "xml"):
                response = client.get(BASE + f"requests.{suffix}", params)
                assert response["Cache-Control"] == "public, max-age=30"
                assert coming.encode() not in response.content
        kept = client.get(BASE + "requests.json", {"service_code": "fly_tipping"})
        Case.objects.filter(pk=earlier.pk).update(summary="Changed behind the services' back")
        assert client.get(BASE + "requests.json", {"service_code": "fly_tipping"}).content == (
            kept.content
        )  # the answer really is kept

        assert _accept_read_open_read(client, world, now) == coming


def test_a_cached_list_is_not_served_after_a_request_is_accepted(client, world):
    _, earlier = world
    with override_settings(OPEN311_CACHE_SECONDS=30):
        before = client.get(BASE + "requests.json", {"status": "open"}).json()
        assert [r["service_request_id"] for r in before] == [earlier.reference]
        reference = _post(client)
        after = client.get(BASE + "requests.json", {"status": "open"}).json()
        assert [r["service_request_id"] for r in after] == [reference, earlier.reference]


def test_a_refused_post_keeps_the_cached_lists(client, world):
    with override_settings(OPEN311_CACHE_SECONDS=30):
        generation = generation_current()
        assert client.post(BASE + "requests.json", good_report(lat="", long="")).status_code == 400
        assert generation_current() == generation


def test_a_generation_bump_waits_for_the_commit_and_is_dropped_on_rollback(client, world):
    from django.db import transaction

    generation = generation_current()
    with pytest.raises(RuntimeError), transaction.atomic():
        generation_bump_on_commit()
        raise RuntimeError("rolled back")
    assert generation_current() == generation
    with transaction.atomic():
        generation_bump_on_commit()
        assert generation_current() == generation  # not before the commit
    assert generation_current() > generation


def test_a_lost_generation_starts_a_new_one_never_an_earlier_one(client, world):
    from django.core.cache import cache

    first = generation_current()
    generation_bump()
    bumped = generation_current()
    assert bumped > first
    cache.delete(GENERATION_KEY)  # evicted
    assert generation_current() not in (0, first, bumped)
    cache.delete(GENERATION_KEY)
    generation_bump()
    assert generation_current() not in (0, first, bumped)


def test_lists_are_ordered_and_limited_across_opened_and_waiting_requests(
    client, world, monkeypatch
):
    service, earlier = world
    waiting = _post(client)
    newer = case_create(service=service, summary="Sofa", lat=51.1465, lon=0.875, notify=False)
    listed = [r["service_request_id"] for r in client.get(BASE + "requests.json").json()]
    assert listed == [newer.reference, waiting, earlier.reference]
    monkeypatch.setattr(selectors, "REQUESTS_LIMIT", 2)
    listed = [r["service_request_id"] for r in client.get(BASE + "requests.json").json()]
    assert listed == [newer.reference, waiting]


def test_a_case_opening_between_the_two_reads_is_listed_once_as_its_case(
    client, world, monkeypatch
):
    reference = _post(client)
    submission = Open311Submission.objects.get(reference=reference)
    read_as_waiting = selectors._request_of_accepted

    def the_worker_opens_it_meanwhile(accepted: Open311Submission) -> selectors.ServiceRequest:
        # The accepted requests have been read; the cases are read next.
        submission_case_open(submission_id=accepted.pk)
        return read_as_waiting(accepted)

    monkeypatch.setattr(selectors, "_request_of_accepted", the_worker_opens_it_meanwhile)
    found = [r for r in selectors.requests_search() if r.reference == reference]
    case = Case.objects.get(reference=reference)
    assert submission.pk and len(found) == 1
    assert found[0].updated_at == case.updated_at  # read as its case


def test_a_waiting_request_to_a_service_made_sensitive_is_not_read(client, world):
    reference = _post(client)
    Service.objects.filter(open311_code="fly_tipping").update(is_sensitive=True)
    assert client.get(f"{BASE}requests/{reference}.json").status_code == 404
    assert client.get(BASE + "requests.json", {"service_request_id": reference}).json() == []
    assert client.get(BASE + "requests.json").json() == []


def test_a_list_costs_two_queries_however_many_requests_wait(
    client, world, django_assert_num_queries
):
    service, _ = world
    client.get(BASE + "requests.json")  # the council's calendar overrides are now cached
    for _ in range(2):
        case_create(service=service, summary="Bags", lat=51.1465, lon=0.875, notify=False)
    _post(client)
    with django_assert_num_queries(2):  # the requests waiting, then the cases
        assert len(client.get(BASE + "requests.json").json()) == 4
    for n in range(8):
        _post(client, description=f"Another heap, number {n}")
        case_create(service=service, summary="Bags", lat=51.1465, lon=0.875, notify=False)
    with django_assert_num_queries(2):
        assert len(client.get(BASE + "requests.json").json()) == 20
    with django_assert_num_queries(2):
        assert client.get(BASE + "requests/FT-1999-000001.json").status_code == 404


def test_an_update_on_a_request_still_opening_is_refused_for_now_not_as_unknown(client, world):
    reference = _post(client)
    update = {"api_key": KEY, "service_request_id": reference, "description": "More bags now"}
    response = client.post(BASE + "servicerequestupdates.json", update)
    assert response.status_code == 409
    [error] = response.json()
    assert error["code"] == 409
    assert error["description"] == (
        f"{reference} was accepted and its case is still being opened: "
        "post the update again in a minute."
    )
    _worker_runs()
    assert client.post(BASE + "servicerequestupdates.json", update).status_code == 200
    unknown = dict(update, service_request_id="FT-1999-000001")
    assert client.post(BASE + "servicerequestupdates.json", unknown).status_code == 404
