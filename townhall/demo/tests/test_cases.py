from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseEvent
from townhall.demo.loader import demo_cases_create

pytestmark = pytest.mark.django_db


def _load_demo_without_cases() -> None:
    call_command("load_demo", "--cases", "0", stdout=StringIO())


def test_demo_cases_spread_over_six_months_in_every_state():
    _load_demo_without_cases()
    result = demo_cases_create(count=150)
    assert result.created == 150
    now = timezone.now()
    cases = Case.objects.all()
    assert min(c.created_at for c in cases) > now - timedelta(days=183)
    assert min(c.created_at for c in cases) < now - timedelta(days=120)
    assert {c.status for c in cases} == {"open", "in_progress", "closed"}
    assert {c.channel for c in cases} >= {"web", "phone", "face_to_face", "open311", "field"}
    closed = cases.filter(status="closed")
    assert closed.exclude(resolution="").count() == closed.count()
    assert {c.resolution for c in closed} >= {"completed", "duplicate"}
    assert all(c.closed_at >= c.created_at for c in closed)
    most = cases.values_list("service__slug", flat=True)
    assert list(most).count("report-fly-tipping") > list(most).count("make-a-complaint")


def test_the_demo_resident_has_a_case_of_each_status():
    _load_demo_without_cases()
    demo_cases_create(count=60)
    resident = User.objects.get(email="resident@example.com")
    statuses = set(Case.objects.filter(resident=resident).values_list("status", flat=True))
    assert statuses == {"open", "in_progress", "closed"}


def test_demo_case_timelines_are_in_the_past_and_in_order():
    _load_demo_without_cases()
    demo_cases_create(count=60)
    for case in Case.objects.filter(status="closed")[:20]:
        times = [event.at for event in CaseEvent.objects.filter(case=case).order_by("pk")]
        assert times == sorted(times)
        assert times[0] == case.created_at
        assert times[-1] == case.closed_at


def test_demo_cases_are_not_added_to_a_demo_that_has_them():
    _load_demo_without_cases()
    demo_cases_create(count=60)
    assert demo_cases_create(count=60).created == 0
    assert Case.objects.count() == 60


def test_demo_cases_with_the_real_case_services():
    _load_demo_without_cases()
    result = demo_cases_create(count=60)
    assert result.created == 60
    assert Case.objects.filter(status="closed").exclude(resolution="").exists()
