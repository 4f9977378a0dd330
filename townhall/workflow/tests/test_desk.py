"""The desk's process panel: open work items, completing one, and the needs-attention banner
with the real error and a Retry button."""

import pytest
from django.test import Client

from townhall.accounts.models import Department, User
from townhall.workflow import registry
from townhall.workflow.models import ProcessInstance, WorkItem
from townhall.workflow.selectors import work_items_open
from townhall.workflow.tests.helpers import case_open, only_open_item


@pytest.fixture
def officer_client(catalogue) -> Client:
    officer = User.objects.create_user(
        "crew.officer@example.gov.uk", "Not-a-real-pass-1", role=User.Role.OFFICER
    )
    officer.departments.set([Department.objects.get(slug="waste-and-street-scene")])
    client = Client()
    client.force_login(officer)
    return client


def _fly(catalogue, **answers):
    answers.setdefault("waste_types", ["household_bags"])
    answers.setdefault("amount", "single_bag")
    return case_open(catalogue["report-fly-tipping"], answers)


def test_case_page_lists_the_open_work_items_with_their_choices(catalogue, officer_client):
    case = _fly(catalogue)
    page = officer_client.get(f"/staff/cases/{case.reference}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Work to do" in html and "Clear the fly-tip" in html
    assert "Not found" in html and "Private land" in html
    assert "Needs attention" not in html


def test_officer_completes_a_work_item_from_the_case_page(catalogue, officer_client):
    case = _fly(catalogue)
    item = only_open_item(case)
    response = officer_client.post(
        f"/staff/cases/{case.reference}/work/{item.pk}/", {"outcome": "cleared"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == WorkItem.Status.DONE and item.completed_by is not None
    assert only_open_item(case).title == "Check the evidence photo"


def test_completing_without_choosing_what_happened_shows_the_reason(catalogue, officer_client):
    case = _fly(catalogue)
    item = only_open_item(case)
    response = officer_client.post(f"/staff/cases/{case.reference}/work/{item.pk}/", {})
    assert response.status_code == 400
    assert "Choose what happened" in response.content.decode()
    item.refresh_from_db()
    assert item.status == WorkItem.Status.OPEN


def test_an_officer_of_another_department_cannot_complete_the_work(catalogue):
    case = _fly(catalogue)
    item = only_open_item(case)
    outsider = User.objects.create_user(
        "housing.person@example.gov.uk", "Not-a-real-pass-1", role=User.Role.OFFICER
    )
    outsider.departments.set([Department.objects.get(slug="housing")])
    client = Client()
    client.force_login(outsider)
    response = client.post(f"/staff/cases/{case.reference}/work/{item.pk}/", {"outcome": "cleared"})
    assert response.status_code in (403, 404)
    item.refresh_from_db()
    assert item.status == WorkItem.Status.OPEN


def test_needs_attention_banner_shows_the_error_and_retry_runs_the_process_again(
    catalogue, officer_client, monkeypatch
):
    def broken(ctx, **params):
        raise registry.OperationError("Contractor API said: postcode missing")

    monkeypatch.setitem(registry.OPERATIONS, "contractor_job_send", broken)
    case = _fly(catalogue, waste_types=["asbestos"])
    html = officer_client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Needs attention" in html and "Contractor API said: postcode missing" in html
    assert "Retry" in html

    monkeypatch.undo()
    response = officer_client.post(f"/staff/cases/{case.reference}/process/retry/")
    assert response.status_code == 302
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == ProcessInstance.Status.RUNNING
    html = officer_client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Needs attention" not in html


def test_queues_read_work_items_without_engine_state(catalogue, django_assert_num_queries):
    for _ in range(3):
        _fly(catalogue)
    with django_assert_num_queries(1):
        items = list(work_items_open().defer("case__summary"))
        titles = [(i.title, i.case.reference, i.team.name) for i in items]
    assert len(titles) == 3
