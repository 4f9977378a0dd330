"""A team lead changes many cases at once; each case goes through its own service."""

import pytest

from townhall.accounts.models import User
from townhall.desk.tests.factories import case_make, user_make

pytestmark = pytest.mark.django_db


def test_a_team_lead_bulk_assigns_and_refusals_are_listed(client, waste, housing):
    lead = user_make(role=User.Role.TEAM_LEAD, departments=[waste.department, housing.department])
    crew = user_make(role=User.Role.OFFICER, departments=[waste.department], full_name="Crew Carl")
    mine = [case_make(service=waste) for _ in range(3)]
    other = case_make(service=housing)
    hidden = case_make(service=waste)
    client.force_login(lead)
    assert "Crew Carl" in client.get("/staff/").content.decode()
    picked = [c.reference for c in [*mine, other]]
    html = client.post(
        "/staff/bulk/", {"cases": picked, "action": "assign", "assignee": crew.pk}, follow=True
    ).content.decode()
    assert "Changed 3 cases" in html
    assert f"{other.reference} was not changed" in html and "that department" in html
    for case in mine:
        case.refresh_from_db()
        assert case.assigned_to == crew
    hidden.refresh_from_db()
    assert hidden.assigned_to is None


def test_bulk_status_change_with_a_note_tells_each_resident(client, waste, mailoutbox):
    lead = user_make(role=User.Role.TEAM_LEAD, departments=[waste.department])
    cases = [case_make(service=waste) for _ in range(2)]
    client.force_login(lead)
    client.post(
        "/staff/bulk/",
        {
            "cases": [c.reference for c in cases],
            "action": "status",
            "status": "closed",
            "resolution": "",
            "note": "Cleared.",
        },
        follow=True,
    )
    cases[0].refresh_from_db()
    assert cases[0].status == "open"  # closing needs a resolution: refused, nothing changed
    html = client.post(
        "/staff/bulk/",
        {
            "cases": [c.reference for c in cases],
            "action": "status",
            "status": "closed",
            "resolution": "completed",
            "note": "Cleared.",
        },
        follow=True,
    ).content.decode()
    assert "Changed 2 cases" in html
    for case in cases:
        case.refresh_from_db()
        assert (case.status, case.resolution) == ("closed", "completed")
        assert case.events.filter(is_public=True, text="Cleared.").exists()


def test_other_departments_cases_are_not_touched(officer_client, housing):
    theirs = case_make(service=housing)
    html = officer_client.post(
        "/staff/bulk/",
        {"cases": [theirs.reference], "action": "status", "status": "in_progress"},
        follow=True,
    )
    assert "Select the cases" in html.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_a_bulk_status_change_without_a_status_or_action_is_refused(officer_client, waste):
    case = case_make(service=waste)
    for data, message in (
        ({"action": "status", "status": ""}, "Choose the status to move the cases to."),
        ({"action": "shred"}, "Choose what to do with the selected cases."),
        ({"action": "assign", "assignee": "someone"}, "Choose someone from the list."),
    ):
        response = officer_client.post("/staff/bulk/", {"cases": [case.reference], **data},
                                       follow=True)  # fmt: skip
        assert message in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.assigned_to) == ("open", None)
