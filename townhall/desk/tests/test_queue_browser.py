"""Working the queue in a real Chromium: an officer filters their team's overdue work, saves
the view, takes a case and starts it; a team lead assigns several cases at once. axe-core
checks every page visited, on a desktop and at 320 px."""

from datetime import timedelta

import pytest
from django.utils import timezone

from townhall.accounts.models import Team, User
from townhall.cases.models import Case
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.models import SavedView
from townhall.desk.tests.factories import case_make, user_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Staff-demo-pass-1"
NARROW = {"width": 320, "height": 720}


def _staff(role: str, department, team: Team, name: str) -> User:
    person = user_make(role=role, departments=[department], full_name=name)
    person.teams.add(team)
    person.set_password(PASSWORD)
    person.save()
    return person


def _sign_in(page, base: str, user: User) -> None:
    page.goto(base + "/staff/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")


def test_officer_works_their_teams_overdue_queue(live_server, browser, waste):
    crew = Team.objects.create(department=waste.department, name="Street crew", slug="crew")
    elsewhere = Team.objects.create(department=waste.department, name="Contracts", slug="contr")
    officer = _staff(User.Role.OFFICER, waste.department, crew, "Sam Okafor")
    now = timezone.now()
    late = case_make(service=waste, summary="Mattress by the garages", notify=False)
    on_time = case_make(service=waste, summary="Bags on the verge", notify=False)
    not_ours = case_make(service=waste, summary="Fridge in the lane", notify=False)
    Case.objects.filter(pk=late.pk).update(
        team=crew, due_at=now - timedelta(days=2), lat=51.1465, lon=0.875
    )
    Case.objects.filter(pk=on_time.pk).update(
        team=crew, due_at=now + timedelta(days=9), lat=51.1466, lon=0.875
    )
    Case.objects.filter(pk=not_ours.pk).update(team=elsewhere, due_at=now - timedelta(days=1))

    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    _sign_in(page, live_server.url, officer)
    desk.check("queue")

    page.get_by_label("Team").select_option("mine")
    page.get_by_label("Due").select_option("overdue")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/staff/?*due=overdue*")
    desk.check("filtered queue")
    assert page.get_by_role("link", name=late.reference).is_visible()
    assert page.get_by_role("link", name=on_time.reference).count() == 0
    assert page.get_by_role("link", name=not_ours.reference).count() == 0

    page.get_by_label("Save these filters as a view").fill("Crew overdue")
    page.get_by_role("button", name="Save view").click()
    desk.check("view saved")
    assert page.locator(".govuk-notification-banner--success").is_visible()
    assert SavedView.objects.get(owner=officer).params == "team=mine&due=overdue"

    page.get_by_role("link", name=late.reference).click()
    page.wait_for_url(f"**/staff/cases/{late.reference}/")
    assert on_time.reference in page.locator("[data-nearby-cases]").inner_text()
    page.locator("[data-case-map] .leaflet-marker-icon").wait_for()  # the map drew its pin
    page.get_by_label("Assigned to").select_option(str(officer.pk))
    page.get_by_role("button", name="Assign").click()
    desk.check("case assigned")
    page.get_by_label("In progress").check()
    page.get_by_label("Public note").fill("A crew is booked for tomorrow morning.")
    page.get_by_role("button", name="Change status").click()
    desk.check("case started")

    page.get_by_role("link", name="Cases").first.click()
    page.get_by_role("link", name="Crew overdue").click()
    page.wait_for_url("**/staff/?team=mine&due=overdue")
    row = page.locator("tr", has=page.get_by_role("link", name=late.reference))
    assert "Assigned to Sam Okafor" in row.inner_text()
    assert "In progress" in row.inner_text()

    late.refresh_from_db()
    assert (late.status, late.assigned_to_id) == ("in_progress", officer.pk)

    narrow = new_page(browser, viewport=NARROW)
    _sign_in(narrow.page, live_server.url, officer)
    narrow.check("queue at 320 px")
    narrow.page.goto(live_server.url + "/staff/?team=mine&due=overdue")
    narrow.check("filtered queue at 320 px")


def test_team_lead_assigns_several_cases_at_once(live_server, browser, waste):
    crew = Team.objects.create(department=waste.department, name="Street crew", slug="crew")
    lead = _staff(User.Role.TEAM_LEAD, waste.department, crew, "Ria Patel")
    officer = _staff(User.Role.OFFICER, waste.department, crew, "Dan Hughes")
    cases = [case_make(service=waste, summary=f"Fly-tip {n}", notify=False) for n in range(4)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(team=crew)

    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    _sign_in(page, live_server.url, lead)
    page.goto(live_server.url + "/staff/?team=mine")
    desk.check("team queue")

    for case in cases[:3]:
        page.get_by_label(f"Select {case.reference}").check()
    page.get_by_text("Change the selected cases").click()
    page.get_by_label("Assign them to").select_option(str(officer.pk))
    page.get_by_role("button", name="Assign selected").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    desk.check("after bulk assignment")
    assert "Changed 3 cases" in page.locator(".govuk-notification-banner").inner_text()

    assigned = dict(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "assigned_to")
    )
    assert [assigned[c.pk] for c in cases] == [officer.pk, officer.pk, officer.pk, None]


def test_officer_says_why_before_a_restricted_case_opens(live_server, browser, waste):
    waste.is_sensitive = True
    waste.save()
    crew = Team.objects.create(department=waste.department, name="Street crew", slug="crew")
    officer = _staff(User.Role.OFFICER, waste.department, crew, "Sam Okafor")
    case = case_make(service=waste, summary="Copy of my records", notify=False)

    desk = new_page(browser, viewport=NARROW)
    page = desk.page
    _sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
    desk.check("why page at 320 px")
    page.get_by_role("button", name="Open the case").click()
    desk.check("why page error")
    page.get_by_label("Another reason", exact=True).check()
    page.get_by_label("If another reason, what it is").fill("Checking the redactions")
    page.get_by_role("button", name="Open the case").click()
    page.get_by_text("Copy of my records").first.wait_for()
    desk.check("restricted case page at 320 px")
