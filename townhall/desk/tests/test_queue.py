from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.models import Team, User
from townhall.cases.models import Case
from townhall.cases.services import case_change_status
from townhall.desk import queue
from townhall.desk.models import SavedView
from townhall.desk.tests.factories import case_make, service_make, user_make
from townhall.places.models import Street, Ward

pytestmark = pytest.mark.django_db

HOME = reverse("desk:home")


def _references(response) -> list[str]:
    return [case.reference for case in response.context["page"].cases]


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

    counts = {s: n for s, _, (n, _) in officer_client.get(HOME).context["status_counts"]}

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
    next_link = first.context["pagination"]["next"]
    second = officer_client.get(HOME + next_link)

    assert len(_references(first)) == 25
    assert len(_references(second)) == 2
    assert not set(_references(first)) & set(_references(second))
    assert f"service={waste.pk}" in next_link
    assert 'class="govuk-pagination' in first.content.decode()
    assert "Showing 26 to 27 of 27" in second.content.decode()


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
    assert many <= 15  # session, user, departments, 3 status counts, services, teams, wards,
    # views, count and rows


def test_the_queue_filters_by_due_priority_and_channel(officer_client, waste):
    late = case_make(service=waste, summary="Late one")
    soon = case_make(service=waste, summary="Soon one")
    later = case_make(service=waste, summary="Later one", channel="phone")
    now = timezone.now()
    Case.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=2), priority="high")
    # At risk: most of the way from arrival to target (cases.services.at_risk_from).
    Case.objects.filter(pk=soon.pk).update(
        due_at=now + timedelta(hours=5), at_risk_at=now - timedelta(hours=1)
    )
    Case.objects.filter(pk=later.pk).update(
        due_at=now + timedelta(days=5), at_risk_at=now + timedelta(days=3)
    )

    def shown(**params):
        html = officer_client.get("/staff/", params).content.decode()
        return {s for s in ("Late one", "Soon one", "Later one") if s in html}

    assert shown(due="overdue") == {"Late one"}
    assert shown(due="at_risk") == {"Soon one"}
    assert shown(priority="high") == {"Late one"}
    assert shown(channel="phone") == {"Later one"}
    assert shown(due="nonsense") == {"Late one", "Soon one", "Later one"}
    assert "At risk" in officer_client.get("/staff/").content.decode()


def test_a_new_case_is_at_risk_four_fifths_of_the_way_to_its_target(waste):
    case = case_make(service=waste)

    assert case.due_at is not None
    expected = case.created_at + (case.due_at - case.created_at) * 0.8
    assert abs((case.at_risk_at - expected).total_seconds()) < 5


def _walk(client, params: dict) -> list[list[str]]:
    """Every page of the queue by its Next links."""
    pages = []
    response = client.get(HOME, params)
    while True:
        pages.append(_references(response))
        link = response.context["pagination"]["next"]
        if not link:
            return pages
        response = client.get(HOME + link)


@pytest.mark.parametrize("sort", ["due", "newest", "oldest", "updated"])
def test_next_links_walk_every_case_once_in_each_sort(officer_client, waste, sort):
    now = timezone.now()
    made = [case_make(service=waste) for _ in range(12)]
    # Ties and missing due dates are where keyset pages go wrong: make plenty of both.
    for n, case in enumerate(made):
        due = None if n % 4 == 0 else now + timedelta(days=n % 3)
        Case.objects.filter(pk=case.pk).update(due_at=due, created_at=now - timedelta(hours=n % 2))

    pages = _walk(officer_client, {"sort": sort, "per_page": "25", "status": "all"})
    assert [len(p) for p in pages] == [12]

    # Five a page is not offered; 25 is the smallest, so page through with a smaller queue.

    original = queue.PAGE_SIZES
    queue.PAGE_SIZES = (5, 25, 50)
    try:
        pages = _walk(officer_client, {"sort": sort, "per_page": "5", "status": "all"})
    finally:
        queue.PAGE_SIZES = original
    seen = [reference for page in pages for reference in page]
    assert [len(p) for p in pages] == [5, 5, 2]
    assert sorted(seen) == sorted(c.reference for c in made)


def test_previous_link_returns_to_the_same_cases(officer_client, waste):
    for _ in range(12):
        case_make(service=waste)
    original = queue.PAGE_SIZES
    queue.PAGE_SIZES = (5, 25)
    try:
        first = officer_client.get(HOME, {"per_page": "5"})
        second = officer_client.get(HOME + first.context["pagination"]["next"])
        third = officer_client.get(HOME + second.context["pagination"]["next"])
        back = officer_client.get(HOME + third.context["pagination"]["previous"])
        again = officer_client.get(HOME + back.context["pagination"]["previous"])
    finally:
        queue.PAGE_SIZES = original

    assert _references(back) == _references(second)
    assert _references(again) == _references(first)
    assert again.context["pagination"]["previous"] == ""
    assert back.context["page"].number == 2


def test_a_mangled_cursor_starts_from_the_first_page(officer_client, waste):
    case_make(service=waste)

    for cursor in ("nonsense", "e30", "W10", "WyJkdWUiLDEsWzEsMiwzXV0"):
        response = officer_client.get(HOME, {"after": cursor})
        assert response.status_code == 200
        assert len(_references(response)) == 1


def test_the_queue_filters_by_team_and_ward(officer_client, officer, waste):
    crew = Team.objects.create(department=waste.department, name="Crew", slug="crew")
    other = Team.objects.create(department=waste.department, name="Other", slug="other")
    officer.teams.add(crew)
    ward = Ward.objects.create(code="E05000001", name="Victoria")
    Street.objects.create(
        usrn="9000001",
        name="Bank Street",
        town="Ashford",
        ward=ward,
        start_lat=51.1,
        start_lon=0.87,
        end_lat=51.1,
        end_lon=0.88,
    )
    ours = case_make(service=waste, summary="Crew job")
    theirs = case_make(service=waste, summary="Other job")
    Case.objects.filter(pk=ours.pk).update(team=crew, usrn="9000001")
    Case.objects.filter(pk=theirs.pk).update(team=other)

    assert _references(officer_client.get(HOME, {"team": "mine"})) == [ours.reference]
    assert _references(officer_client.get(HOME, {"team": str(other.pk)})) == [theirs.reference]
    assert _references(officer_client.get(HOME, {"ward": str(ward.pk)})) == [ours.reference]
    assert len(_references(officer_client.get(HOME, {"team": "x1", "ward": "-3"}))) == 2


def test_officers_save_use_and_delete_their_own_views(officer_client, officer, waste):
    late = case_make(service=waste, summary="Late one")
    case_make(service=waste, summary="On time")
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))

    response = officer_client.post(
        reverse("desk:saved_view_create"),
        {"view_name": "  Overdue   waste ", "due": "overdue", "sort": "newest", "evil": "x"},
    )
    assert response.status_code == 302
    view = SavedView.objects.get(owner=officer)
    assert view.name == "Overdue waste"
    assert view.params == "due=overdue&sort=newest"  # only what the queue understands

    html = officer_client.get(HOME).content.decode()
    assert "Overdue waste" in html
    assert _references(officer_client.get(HOME + "?" + view.params)) == [late.reference]

    # The same name again replaces the filters rather than making a second view.
    officer_client.post(reverse("desk:saved_view_create"), {"view_name": "Overdue waste"})
    assert SavedView.objects.filter(owner=officer).count() == 1

    someone = user_make(departments=[waste.department])
    theirs = SavedView.objects.create(owner=someone, name="Theirs", params="")
    assert "Theirs" not in officer_client.get(HOME).content.decode()
    delete = reverse("desk:saved_view_delete", args=[theirs.pk])
    assert officer_client.post(delete).status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()

    assert officer_client.post(reverse("desk:saved_view_delete", args=[view.pk])).status_code == 302
    assert not SavedView.objects.filter(owner=officer).exists()


def test_a_view_needs_a_name(officer_client, officer):
    response = officer_client.post(
        reverse("desk:saved_view_create"), {"view_name": " "}, follow=True
    )

    assert "Enter a name for the view" in response.content.decode()
    assert not SavedView.objects.filter(owner=officer).exists()
