"""What a resident's signed-in pages cost (issue 18 point 3): query budgets that must not grow
with what the page shows."""

import pytest
from django.urls import reverse

from townhall.cases.models import CaseHandOn
from townhall.desk.tests.factories import case_make, service_make
from townhall.portal.tests.fixtures import make_resident, make_service, make_street
from townhall.portal.tests.test_journey import begin

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident_client(client):
    resident = make_resident()
    client.force_login(resident)
    client.resident = resident
    return client


@pytest.mark.parametrize("handed_on", [False, True])
def test_a_request_page_reads_the_hand_on_with_the_case(
    resident_client, django_assert_num_queries, handed_on
):
    case = case_make(service=service_make(), resident=resident_client.resident)
    if handed_on:
        CaseHandOn.objects.create(
            case=case, responsible="Kent County Council", method="email", message_key="k-1"
        )
    url = reverse("portal:request_detail", args=[case.reference])
    resident_client.get(url)  # the first request of a session records when it started

    # The session, the user, the case (with its service, answers and hand-on), its process,
    # its booking of a collection slot (if any), its photos and its timeline; no session
    # write (a read within 30 s of the last).
    with django_assert_num_queries(7):
        page = resident_client.get(url)

    assert page.status_code == 200
    assert ("Kent County Council" in page.content.decode()) is handed_on


def test_my_account_costs_the_same_however_many_requests(
    resident_client, django_assert_num_queries
):
    service = service_make()
    for _ in range(5):
        case_make(service=service, resident=resident_client.resident)
    resident_client.get(reverse("portal:my_account"))  # the session's start, recorded once

    # The session, the user, both lists in one round trip, and the latest request's address
    # for the bin day (none here), and the resident's permits (read fresh: a renewal shows as
    # soon as it is paid).
    with django_assert_num_queries(5):
        page = resident_client.get(reverse("portal:my_account"))

    assert page.content.decode().count("/my-account/requests/") == 5


def test_a_form_page_while_filling_reads_its_session_once(client, django_assert_num_queries):
    make_street()
    url = begin(client, make_service())  # a guest's form, at its photos page
    client.post(url, {"action": "continue"})
    where = url.replace("/photos/", "/where/")
    client.get(where)

    # The session; the form session with its version, service and submission (none yet); the
    # photos sent on the page before, whose position the map starts at.
    with django_assert_num_queries(3):
        page = client.get(where)
    assert page.status_code == 200

    # The same two reads, then in a savepoint (the test's transaction) the locked re-read and
    # its "already sent?" check, the street nearest the point (bounds, then streets) and
    # the save: 9, one fewer than before the first read took the submission along.
    with django_assert_num_queries(9):
        answered = client.post(where, {"where-lat": "51.14655", "where-lon": "0.87510"})
    assert answered.status_code == 302 and answered["Location"].endswith("/what/")
