"""The work queue: open work items of the officer's teams, or assigned to them, never those
of cases they may not see."""

import pytest

from townhall.accounts.models import Team, User
from townhall.cases.services import case_create
from townhall.catalogue.models import Service
from townhall.desk.tests.factories import department_make, user_make
from townhall.workflow.models import WorkItem
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint_item(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    demo_catalogue_with_processes()
    service = Service.objects.get(slug="make-a-complaint")
    case = case_create(service=service, summary="Rude on the phone", contact_email="a@example.com")
    return WorkItem.objects.get(case=case)


def officer_in(item: WorkItem, team: Team | None = None) -> User:
    officer = user_make(role=User.Role.OFFICER, departments=[item.case.department])
    if team is not None:
        officer.teams.add(team)
    return officer


def test_team_member_sees_the_teams_open_work(client, complaint_item):
    client.force_login(officer_in(complaint_item, complaint_item.team))
    page = client.get("/staff/work/").content.decode()
    assert complaint_item.case.reference in page
    assert "Investigate and reply (stage 1)" in page
    assert "1 open work item" in page


def test_officer_outside_the_team_sees_none_but_is_told_why(client, complaint_item):
    client.force_login(officer_in(complaint_item))
    page = client.get("/staff/work/").content.decode()
    assert complaint_item.case.reference not in page
    assert "You are not in a team yet" in page


def test_assigned_to_you_lists_only_your_items(client, complaint_item):
    officer = officer_in(complaint_item, complaint_item.team)
    client.force_login(officer)
    assert (
        complaint_item.case.reference not in client.get("/staff/work/?scope=mine").content.decode()
    )
    WorkItem.objects.filter(pk=complaint_item.pk).update(assigned_to=officer)
    assert complaint_item.case.reference in client.get("/staff/work/?scope=mine").content.decode()


def test_a_team_member_without_the_cases_department_does_not_see_it(client, complaint_item):
    outsider = user_make(
        role=User.Role.OFFICER, departments=[department_make("Allotments and cemeteries")]
    )
    outsider.teams.add(complaint_item.team)
    client.force_login(outsider)
    assert complaint_item.case.reference not in client.get("/staff/work/").content.decode()


def test_residents_cannot_reach_the_work_queue(client, complaint_item):
    resident = User.objects.create_user("r@example.com", "Long-pass-phrase-1")
    client.force_login(resident)
    assert client.get("/staff/work/").status_code in (403, 404)
