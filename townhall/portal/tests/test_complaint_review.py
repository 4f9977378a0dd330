"""A resident asks for a stage 2 review of a complaint from the request page; the complaint's
process moves on to the review, once."""

import pytest
from django.urls import reverse

from townhall.cases.models import CaseEvent
from townhall.cases.services import case_create
from townhall.catalogue.models import Service
from townhall.portal.tests.fixtures import make_resident
from townhall.workflow.models import WorkItem
from townhall.workflow.services import work_item_complete
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    demo_catalogue_with_processes()
    resident = make_resident()
    case = case_create(
        service=Service.objects.get(slug="make-a-complaint"),
        summary="The crew left rubbish everywhere",
        resident=resident,
    )
    return case, resident


def open_titles(case):
    return [i.title for i in WorkItem.objects.filter(case=case, status=WorkItem.Status.OPEN)]


def test_resident_asks_for_a_stage_2_review_once(client, complaint):
    case, resident = complaint
    client.force_login(resident)
    url = reverse("portal:request_detail", args=[case.reference])
    assert b'name="request"' not in client.get(url).content  # stage 1 still open

    stage_1 = WorkItem.objects.get(case=case, status=WorkItem.Status.OPEN)
    officer = make_resident(email="complaints@example.gov.uk", role="officer")
    work_item_complete(work_item=stage_1, actor=officer, outcome="replied")
    offered = client.get(url).content
    assert b"Ask for a stage 2 review" in offered and b'name="request"' in offered

    refused = client.post(url, {"request": "stage_2_requested", "reason": "  "})
    assert refused.status_code == 400
    assert b"Tell us why you are not happy with our reply" in refused.content
    assert open_titles(case) == []

    sent = client.post(
        url, {"request": "stage_2_requested", "reason": "Nobody came back", "nonce": "n1"}
    )
    assert sent.status_code == 302
    assert open_titles(case) == ["Review the complaint (stage 2)"]
    page = client.get(url)
    assert b"We have received your request for a stage 2 review" in page.content
    assert b'name="request"' not in page.content  # the form is gone: no longer waiting

    again = client.post(
        url, {"request": "stage_2_requested", "reason": "Nobody came back", "nonce": "n2"}
    )
    assert again.status_code == 302
    assert open_titles(case) == ["Review the complaint (stage 2)"]
    comments = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.RESIDENT_COMMENT)
    assert [c.text for c in comments] == ["Ask for a stage 2 review: Nobody came back"]


def test_another_resident_cannot_ask_for_the_review(client, complaint):
    case, _ = complaint
    client.force_login(make_resident(email="someone.else@example.com"))
    url = reverse("portal:request_detail", args=[case.reference])
    response = client.post(url, {"request": "stage_2_requested", "reason": "Let me in"})
    assert response.status_code == 404


def test_an_unknown_request_is_refused(client, complaint):
    case, resident = complaint
    client.force_login(resident)
    url = reverse("portal:request_detail", args=[case.reference])
    response = client.post(url, {"request": "job_done", "reason": "Pretending to be a contractor"})
    assert response.status_code == 400
    assert b"not something you can ask for" in response.content
