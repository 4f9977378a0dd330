import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from townhall.accounts.models import Department, User
from townhall.cases.permissions import case_for_staff, cases_visible_to
from townhall.cases.services import case_create
from townhall.catalogue.models import Service

pytestmark = pytest.mark.django_db


def _service(slug: str, prefix: str) -> Service:
    department = Department.objects.create(slug=slug, name=slug.title())
    return Service.objects.create(
        slug=f"{slug}-service",
        name=f"{slug} service",
        summary="Test",
        department=department,
        reference_prefix=prefix,
        sla_days=5,
    )


def _user(email: str, role: str, departments=()) -> User:
    user = User.objects.create_user(email, "Not-a-real-pass-1", role=role, full_name="Test")
    user.departments.set(departments)
    return user


@pytest.fixture
def two_cases():
    waste = _service("waste", "WA")
    housing = _service("housing", "HO")
    return (
        case_create(service=waste, summary="Fly-tipping", notify=False),
        case_create(service=housing, summary="Damp", notify=False),
    )


def test_officer_sees_only_cases_of_their_departments(two_cases):
    waste_case, housing_case = two_cases
    officer = _user("o@example.gov.uk", User.Role.OFFICER, [waste_case.department])

    assert list(cases_visible_to(officer)) == [waste_case]
    assert case_for_staff(officer, waste_case.reference) == waste_case


def test_officer_cannot_open_case_of_another_department(two_cases):
    waste_case, housing_case = two_cases
    officer = _user("o@example.gov.uk", User.Role.OFFICER, [waste_case.department])

    with pytest.raises(Http404):
        case_for_staff(officer, housing_case.reference)


def test_agent_sees_cases_of_their_departments_for_now(two_cases):
    waste_case, _ = two_cases
    agent = _user("a@example.gov.uk", User.Role.AGENT, [waste_case.department])

    assert list(cases_visible_to(agent)) == [waste_case]


def test_admin_and_superuser_see_every_case(two_cases):
    admin = _user("admin@example.gov.uk", User.Role.ADMIN)
    superuser = User.objects.create_superuser("su@example.gov.uk", "Not-a-real-pass-1")

    assert set(cases_visible_to(admin)) == set(two_cases)
    assert set(cases_visible_to(superuser)) == set(two_cases)


def test_staff_without_a_department_see_nothing(two_cases):
    officer = _user("o@example.gov.uk", User.Role.OFFICER)

    assert not cases_visible_to(officer).exists()


def test_residents_and_anonymous_see_nothing(two_cases):
    waste_case, _ = two_cases
    resident = _user("r@example.com", User.Role.RESIDENT, [waste_case.department])

    assert not cases_visible_to(resident).exists()
    assert not cases_visible_to(AnonymousUser()).exists()
    with pytest.raises(Http404):
        case_for_staff(resident, waste_case.reference)


def test_inactive_staff_see_nothing(two_cases):
    waste_case, _ = two_cases
    officer = _user("o@example.gov.uk", User.Role.OFFICER, [waste_case.department])
    officer.is_active = False

    assert not cases_visible_to(officer).exists()
