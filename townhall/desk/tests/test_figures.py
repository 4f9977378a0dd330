"""Managers see their departments' figures; administrators every department's; nobody else."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.catalogue.models import ChannelCost
from townhall.desk.figures import departments_for_figures, figures_for
from townhall.desk.tests.factories import case_make, user_make

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_figures_count_channels_timeliness_and_cost(waste, housing):
    ChannelCost.objects.create(service=waste, channel="web", cost_pence=270)
    ChannelCost.objects.create(service=waste, channel="phone", cost_pence=900)
    now = timezone.now()
    web = [case_make(service=waste, channel="web") for _ in range(3)]
    phone = case_make(service=waste, channel="phone")
    case_make(service=waste, channel="face_to_face")  # no cost recorded for this channel
    old = case_make(service=waste, channel="web")
    Case.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=60))
    Case.objects.filter(pk=web[0].pk).update(
        status="closed", closed_at=now, due_at=now + timedelta(days=1)
    )
    Case.objects.filter(pk=web[1].pk).update(
        status="closed", closed_at=now, due_at=now - timedelta(days=1)
    )
    Case.objects.filter(pk=phone.pk).update(due_at=now - timedelta(hours=1))
    case_make(service=housing, channel="web")

    manager = user_make(role=User.Role.MANAGER, departments=[waste.department])
    [row] = figures_for(departments_for_figures(manager), days=30)

    assert row.department == waste.department
    assert row.received == 5
    assert row.by_channel == {"web": 3, "phone": 1, "face_to_face": 1}
    assert row.self_service_percent == 60
    assert (row.closed, row.on_time_percent) == (2, 50)
    assert row.open_now == 4  # the old one is still open too
    assert row.overdue_now == 1
    assert row.cost_per_transaction == "£4.28"  # (3 x £2.70 + £9.00) / 4 costed


def test_only_managers_and_administrators_reach_the_figures(waste, housing):
    manager = user_make(role=User.Role.MANAGER, departments=[waste.department])
    html = _client(manager).get("/staff/figures/").content.decode()
    assert waste.department.name in html
    assert housing.department.name not in html

    admin = user_make(role=User.Role.ADMIN)
    html = _client(admin).get("/staff/figures/?days=90").content.decode()
    assert waste.department.name in html and housing.department.name in html

    for role in (User.Role.OFFICER, User.Role.AGENT, User.Role.TEAM_LEAD):
        person = user_make(role=role, departments=[waste.department])
        assert _client(person).get("/staff/figures/").status_code == 403
    resident = user_make(role=User.Role.RESIDENT)
    assert _client(resident).get("/staff/figures/").status_code == 403
