"""A post is accepted with its reference issued at once; the worker opens the case from it.

These run with the database task backend, as in production, so the case really waits for a
worker (`db_worker --batch` here)."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from townhall.cases.models import Case
from townhall.core.reconcile import reconcile_sweep
from townhall.open311.models import Open311Submission
from townhall.open311.opening import submission_case_open
from townhall.open311.selectors import submissions_unopened
from townhall.open311.tests.factories import BASE, good_report, make_open311_world, xml_root

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notifications", "workflow"],
    }
}


@pytest.fixture
def world(settings):
    settings.TASKS = DB_TASKS
    # As in production: services and the council's extent kept per process.
    settings.OPEN311_CACHE_SECONDS = 30
    settings.PLACES_EXTENT_SECONDS = 300
    return make_open311_world()


def _worker_runs() -> None:
    call_command("db_worker", batch=True, startup_delay=False, queue_name="*", verbosity=0)


def test_the_reference_is_given_at_once_and_the_worker_opens_that_case(client, world):
    [accepted] = client.post(BASE + "requests.json", good_report()).json()
    reference = accepted["service_request_id"]
    assert reference.startswith("FT-")
    assert not Case.objects.exists()  # not opened inside the request
    submission = Open311Submission.objects.get()
    assert submission.reference == reference and submission.case is None
    assert DBTaskResult.objects.count() == 1

    # Until the worker runs, the request reads back as open, with what the client sent.
    [pending] = client.get(f"{BASE}requests/{reference}.json").json()
    assert pending["status"] == "open" and pending["service_code"] == "fly_tipping"
    assert (pending["lat"], pending["long"]) == (51.1465, 0.875)
    assert pending["description"] == good_report()["description"]
    listed = client.get(BASE + "requests.json", {"service_request_id": reference}).json()
    assert [r["service_request_id"] for r in listed] == [reference]
    as_xml = xml_root(client.get(f"{BASE}requests/{reference}.xml").content)
    assert as_xml.findtext("request/service_request_id") == reference
    assert as_xml.findtext("request/status") == "open"

    # A retry before the worker has run gets the same id and stores nothing more.
    [again] = client.post(BASE + "requests.json", good_report()).json()
    assert again["service_request_id"] == reference
    assert Open311Submission.objects.count() == 1 and DBTaskResult.objects.count() == 1

    _worker_runs()
    case = Case.objects.get()
    submission.refresh_from_db()
    assert case.reference == reference and submission.case == case
    assert case.channel == "open311" and case.channel_client == "FixMyStreet"
    assert case.created_at == submission.created_at  # the SLA runs from when it was received
    assert case.usrn == "70001001" and case.location_text  # the street is found by the worker
    assert case.contact_email == "reporter@example.com"

    [opened] = client.get(f"{BASE}requests/{reference}.json").json()
    assert opened["expected_datetime"] is not None and opened["address"] == case.location_text


def test_opening_twice_makes_one_case(client, world):
    client.post(BASE + "requests.json", good_report())
    submission = Open311Submission.objects.get()
    first = submission_case_open(submission_id=submission.pk)
    second = submission_case_open(submission_id=submission.pk)
    assert first == second and Case.objects.count() == 1
    _worker_runs()  # the queued task finds the case opened
    assert Case.objects.count() == 1
    assert submission_case_open(submission_id=123456) is None


def test_a_refused_post_stores_nothing_and_queues_nothing(client, world):
    response = client.post(BASE + "requests.json", good_report(lat="", long=""))
    assert response.status_code == 400
    assert not Open311Submission.objects.exists() and not DBTaskResult.objects.exists()


def test_the_sweep_opens_accepted_requests_left_without_a_case_once(client, world, settings):
    from datetime import timedelta

    from django.utils import timezone

    [accepted] = client.post(BASE + "requests.json", good_report()).json()
    assert submissions_unopened().count == 1
    settings.RECONCILE_AFTER_SECONDS = 60
    # Forms have their own sweep (eforms): no form was sent here, so it opens nothing.
    assert reconcile_sweep() == {"forms_unopened": 0, "open311_unopened": 0}  # too recent
    Open311Submission.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    backlog = submissions_unopened()
    assert backlog.count == 1 and backlog.oldest_seconds() >= 300
    assert reconcile_sweep() == {"forms_unopened": 0, "open311_unopened": 1}
    assert Case.objects.get().reference == accepted["service_request_id"]
    assert reconcile_sweep() == {"forms_unopened": 0, "open311_unopened": 0}
    _worker_runs()  # the lost task turns up after all: still one case
    assert Case.objects.count() == 1 and submissions_unopened().count == 0
    opening = DBTaskResult.objects.get(task_path="townhall.open311.tasks.open311_case_open")
    assert opening.status == "SUCCESSFUL"


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql",
    reason="two openers at once need row locks (PostgreSQL)",
)
def test_the_sweep_racing_the_task_makes_one_case(client, world):
    import threading

    from django.db import connection

    client.post(BASE + "requests.json", good_report())
    submission = Open311Submission.objects.get()
    start = threading.Barrier(4)
    opened = []

    def opener() -> None:
        try:
            start.wait()
            opened.append(submission_case_open(submission_id=submission.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(opened) == 4 and len({case.pk for case in opened}) == 1
    assert Case.objects.count() == 1


def test_during_a_burst_every_case_opens_before_the_acknowledgement_emails(client, world):
    # The worker opens the first post's case, queueing its acknowledgement email; two more
    # posts arrive after that email was queued (a burst goes on while the worker works).
    client.post(BASE + "requests.json", good_report(description="Bags by stop 0"))
    call_command(
        "db_worker", batch=False, max_tasks=1, startup_delay=False, queue_name="*", verbosity=0
    )
    assert Case.objects.count() == 1
    for n in (1, 2):
        client.post(BASE + "requests.json", good_report(description=f"Bags by stop {n}"))
    # The next two claims open the two cases: the email, queued before them, waits.
    call_command(
        "db_worker", batch=False, max_tasks=2, startup_delay=False, queue_name="*", verbosity=0
    )
    assert Case.objects.count() == 3
    assert [t.task_path.rsplit(".", 1)[1] for t in DBTaskResult.objects.ready()] == [
        "case_event_notify"
    ] * 3
