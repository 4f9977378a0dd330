"""Work items through the staff API: listed for the cases a token's owner may see, completed
through the workflow service (the process moves on), refused when already done."""

import pytest

from townhall.api.tests.conftest import bearer
from townhall.cases.services import case_create
from townhall.catalogue.models import Service
from townhall.desk.tests.factories import department_make, user_make
from townhall.workflow.models import WorkItem
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint():
    demo_catalogue_with_processes()
    service = Service.objects.get(slug="make-a-complaint")
    case = case_create(service=service, summary="Rude on the phone", contact_email="a@example.com")
    officer = user_make(role="officer", departments=[service.department])
    return case, officer


def test_officer_lists_and_completes_a_work_item(client, complaint):
    case, officer = complaint
    headers = bearer(officer)
    listed = client.get("/api/work-items", **headers).json()
    assert [(i["case"], i["title"]) for i in listed] == [
        (case.reference, "Investigate and reply (stage 1)")
    ]
    item_id = listed[0]["id"]
    assert listed[0]["outcomes"] == ["replied"]

    wrong = client.post(
        f"/api/work-items/{item_id}/complete",
        {"outcome": "ignored"},
        content_type="application/json",
        **headers,
    )
    assert wrong.status_code == 409 and "replied" in wrong.json()["detail"]

    done = client.post(
        f"/api/work-items/{item_id}/complete",
        {"outcome": "replied"},
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = client.post(
        f"/api/work-items/{item_id}/complete",
        {"outcome": "replied"},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 409
    timeline = client.get(f"/api/cases/{case.reference}/work-items", **headers).json()
    assert [i["status"] for i in timeline] == ["done"]


def test_another_departments_officer_cannot_see_or_complete_the_item(client, complaint):
    case, _ = complaint
    stranger = user_make(role="officer", departments=[department_make("Housing and homes")])
    headers = bearer(stranger)
    assert client.get("/api/work-items", **headers).json() == []
    item = WorkItem.objects.get(case=case)
    response = client.post(
        f"/api/work-items/{item.pk}/complete",
        {"outcome": "replied"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    assert client.get(f"/api/cases/{case.reference}/work-items", **headers).status_code == 404
    item.refresh_from_db()
    assert item.status == WorkItem.Status.OPEN
