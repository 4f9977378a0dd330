"""The queue page's cost (issue 18 point 3): its lists kept under generation keys, its counts in
one round trip, and what is kept going stale the moment what it lists changes."""

import pytest
from django.test import override_settings
from django.urls import reverse

from townhall.accounts.models import Team, User
from townhall.cases.services import case_change_status
from townhall.desk import queue
from townhall.desk.tests.factories import case_make, service_make, user_make
from townhall.places.models import Ward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_lists")]

HOME = reverse("desk:home")


@pytest.fixture
def keep_lists(settings):
    from django.core.cache import cache

    cache.clear()
    settings.DESK_LISTS_KEEP_SECONDS = 600
    yield
    cache.clear()


def test_a_kept_queue_page_costs_a_few_queries_however_many_services_and_cases(
    officer_client, officer, waste, django_assert_num_queries
):
    for n in range(5):
        service_make(department=waste.department, name=f"Service {n}")
        case_make(service=waste)
    Team.objects.create(department=waste.department, slug="crew", name="Crew")
    officer_client.get(HOME)  # renders and keeps the lists

    # The session, the user, the two-factor device, the officer's departments, the page of
    # cases, the four counts (one round trip) and the saved views: no services, teams, wards
    # or assignees (12 before the lists were kept and the counts joined).
    with django_assert_num_queries(7):
        response = officer_client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Service 4" in html and "Crew (Environmental Services)" in html
    assert 'value="' + str(officer.pk) + '">Olive Officer</option>' in html


def test_the_counts_of_one_round_trip_agree_with_counting_each(officer, waste, housing):
    cases = [case_make(service=waste) for _ in range(3)]
    case_make(service=housing)
    case_change_status(case=cases[0], actor=officer, status="in_progress", notify=False)
    visible = queue.Case.objects.filter(department=waste.department)
    active = visible.filter(status__in=["open", "in_progress"])

    count, by_status = queue.queue_counts(active, visible)

    assert count == queue.queue_count(active) == (3, False)
    assert by_status == queue.queue_status_counts(visible)
    assert by_status == {"open": (2, False), "in_progress": (1, False), "closed": (0, False)}


def test_the_counts_stop_at_the_cap(officer, waste, monkeypatch):
    monkeypatch.setattr(queue, "COUNT_CAP", 2)
    for _ in range(3):
        case_make(service=waste)
    visible = queue.Case.objects.filter(department=waste.department)

    count, by_status = queue.queue_counts(visible, visible)

    assert count == (2, True)
    assert by_status["open"] == (2, True) and by_status["closed"] == (0, False)


def test_staff_in_no_department_get_an_empty_queue_counted_as_none(client, waste):
    case_make(service=waste)
    client.force_login(user_make(departments=[]))

    response = client.get(HOME)

    assert response.status_code == 200
    assert [n for _, _, (n, _) in response.context["status_counts"]] == [0, 0, 0]
    assert list(response.context["page"].cases) == []


@pytest.mark.parametrize("kind", ["service", "team", "ward", "colleague"])
def test_a_new_service_team_ward_or_colleague_shows_at_once(
    officer_client, officer, waste, django_capture_on_commit_callbacks, kind
):
    case_make(service=waste)  # the bulk form (whom to assign to) shows with cases only
    officer_client.get(HOME)

    with django_capture_on_commit_callbacks(execute=True):
        if kind == "service":
            service_make(department=waste.department, name="Abandoned trolleys")
            shown = "Abandoned trolleys"
        elif kind == "team":
            Team.objects.create(department=waste.department, slug="night", name="Night crew")
            shown = "Night crew (Environmental Services)"
        elif kind == "ward":
            Ward.objects.create(code="E05000001", name="Beaver")
            shown = ">Beaver</option>"
        else:
            colleague = user_make(departments=[waste.department], full_name="Cal Colleague")
            shown = f'value="{colleague.pk}">Cal Colleague</option>'

    assert shown in officer_client.get(HOME).content.decode()


def test_a_colleague_moved_out_of_the_department_is_no_longer_offered(
    officer_client, waste, django_capture_on_commit_callbacks
):
    case_make(service=waste)
    colleague = user_make(departments=[waste.department], full_name="Cal Colleague")
    assert "Cal Colleague" in officer_client.get(HOME).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        colleague.departments.clear()

    assert "Cal Colleague" not in officer_client.get(HOME).content.decode()


def test_each_filter_keeps_its_own_selection(officer_client, waste):
    bins = service_make(department=waste.department, name="Missed bin")
    officer_client.get(HOME)

    html = officer_client.get(HOME, {"service": str(bins.pk)}).content.decode()
    plain = officer_client.get(HOME).content.decode()

    assert f'<option value="{bins.pk}" selected>Missed bin</option>' in html
    assert f'<option value="{bins.pk}" selected>' not in plain


def test_each_person_gets_their_own_lists(client, waste, housing):
    case_make(service=waste)
    case_make(service=housing)
    user_make(departments=[housing.department], full_name="Hal Housing")
    waste_officer = user_make(departments=[waste.department])
    housing_officer = user_make(departments=[housing.department])
    client.force_login(waste_officer)
    client.get(HOME)

    client.force_login(housing_officer)
    html = client.get(HOME).content.decode()

    assert "Damp and mould" in html and "Hal Housing" in html
    assert "Fly-tipping" not in html


@override_settings(DESK_LISTS_KEEP_SECONDS=0)
def test_without_a_shared_cache_nothing_is_kept(
    officer_client, waste, django_assert_max_num_queries
):
    officer_client.get(HOME)
    service_make(department=waste.department, name="Graffiti")  # no commit hook runs here

    assert "Graffiti" in officer_client.get(HOME).content.decode()
    assert User.objects.exists()
