from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.cases.services import case_change_status
from townhall.desk.tests.factories import case_make, service_make, user_make

pytestmark = pytest.mark.django_db

HOME = reverse("desk:home")


def _references(response) -> list[str]:
    return [case.reference for case in response.context["page"].object_list]


def test_officer_sees_only_cases_of_their_department(officer_client, waste, housing):
    mine = case_make(service=waste)
    theirs = case_make(service=housing)

    response = officer_client.get(HOME)

    assert _references(response) == [mine.reference]
    assert theirs.reference not in response.content.decode()


def test_administrator_sees_every_department(client, waste, housing):
    client.force_login(user_make(role=User.Role.ADMIN))
    cases = [case_make(service=waste), case_make(service=housing)]

    assert set(_references(client.get(HOME))) == {case.reference for case in cases}


def test_queue_shows_open_and_in_progress_cases_by_default(officer_client, officer, waste):
    open_case = case_make(service=waste)
    working = case_make(service=waste)
    closed = case_make(service=waste)
    case_change_status(case=working, actor=officer, status="in_progress", notify=False)
    case_change_status(
        case=closed, actor=officer, status="closed", resolution="completed", notify=False
    )

    assert set(_references(officer_client.get(HOME))) == {open_case.reference, working.reference}
    assert _references(officer_client.get(HOME, {"status": "closed"})) == [closed.reference]
    assert len(_references(officer_client.get(HOME, {"status": "all"}))) == 3


def test_queue_counts_cases_per_status(officer_client, officer, waste, housing):
    case_make(service=waste)
    case_make(service=waste)
    closed = case_make(service=waste)
    case_make(service=housing)  # another department's: not counted
    case_change_status(
        case=closed, actor=officer, status="closed", resolution="completed", notify=False
    )

    counts = {s: n for s, _, n in officer_client.get(HOME).context["status_counts"]}

    assert counts == {"open": 2, "in_progress": 0, "closed": 1}


def test_queue_filters_by_service_and_by_assigned_to_me(officer_client, officer, waste):
    bins = service_make(department=waste.department, name="Missed bin")
    tipping = case_make(service=waste)
    bin_case = case_make(service=bins)
    Case.objects.filter(pk=bin_case.pk).update(assigned_to=officer)

    by_service = officer_client.get(HOME, {"service": str(bins.pk)})
    mine = officer_client.get(HOME, {"mine": "1"})

    assert _references(by_service) == [bin_case.reference]
    assert _references(mine) == [bin_case.reference]
    assert tipping.reference in officer_client.get(HOME).content.decode()


def test_search_for_an_exact_reference_opens_the_case(officer_client, waste):
    case = case_make(service=waste)

    response = officer_client.get(HOME, {"q": f"  {case.reference.lower()} "})

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:case", args=[case.reference])


def test_search_does_not_confirm_another_departments_reference(officer_client, housing):
    theirs = case_make(service=housing)

    response = officer_client.get(HOME, {"q": theirs.reference})

    assert response.status_code == 200
    assert _references(response) == []
    assert "No cases found" in response.content.decode()


def test_search_looks_in_summary_and_contact_name_across_statuses(officer_client, officer, waste):
    sofa = case_make(service=waste, summary="Old SOFA on the verge")
    by_name = case_make(service=waste, contact_name="Priya Sofanova")
    case_make(service=waste, summary="Mattress")
    case_change_status(
        case=sofa, actor=officer, status="closed", resolution="completed", notify=False
    )

    response = officer_client.get(HOME, {"q": "sofa"})

    assert set(_references(response)) == {sofa.reference, by_name.reference}


def test_queue_is_paged_25_at_a_time_keeping_filters(officer_client, waste):
    for _ in range(27):
        case_make(service=waste)

    first = officer_client.get(HOME, {"service": str(waste.pk)})
    second = officer_client.get(HOME, {"service": str(waste.pk), "page": "2"})

    assert len(_references(first)) == 25
    assert len(_references(second)) == 2
    assert f"service={waste.pk}" in first.context["pagination"]["next"]
    assert 'class="govuk-pagination"' in first.content.decode()


def test_overdue_open_cases_are_tagged(officer_client, waste):
    late = case_make(service=waste)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))

    html = officer_client.get(HOME).content.decode()

    assert "govuk-tag--red" in html
    assert "Overdue" in html


def test_queue_runs_the_same_number_of_queries_for_5_or_30_cases(officer_client, officer, waste):
    def queries_for_queue() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer_client.get(HOME).status_code == 200
        return len(captured)

    officer_client.get(HOME)  # the first request of a session records activity; measure after
    for _ in range(5):
        Case.objects.filter(pk=case_make(service=waste).pk).update(assigned_to=officer)
    few = queries_for_queue()
    for _ in range(25):
        Case.objects.filter(pk=case_make(service=waste).pk).update(
            assigned_to=user_make(departments=[waste.department])
        )
    many = queries_for_queue()

    assert few == many
    assert many <= 10  # session, user, counts, services, page count and rows


def test_the_queue_filters_by_due_priority_and_channel(officer_client, waste):
    late = case_make(service=waste, summary="Late one")
    soon = case_make(service=waste, summary="Soon one")
    later = case_make(service=waste, summary="Later one", channel="phone")
    now = timezone.now()
    Case.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=2), priority="high")
    Case.objects.filter(pk=soon.pk).update(due_at=now + timedelta(hours=5))
    Case.objects.filter(pk=later.pk).update(due_at=now + timedelta(days=5))

    def shown(**params):
        html = officer_client.get("/staff/", params).content.decode()
        return {s for s in ("Late one", "Soon one", "Later one") if s in html}

    assert shown(due="overdue") == {"Late one"}
    assert shown(due="at_risk") == {"Soon one"}
    assert shown(priority="high") == {"Late one"}
    assert shown(channel="phone") == {"Later one"}
    assert shown(due="nonsense") == {"Late one", "Soon one", "Later one"}
    assert "At risk" in officer_client.get("/staff/").content.decode()
