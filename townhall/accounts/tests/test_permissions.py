"""Who may do what, as one table: each predicate of accounts.permissions against each role.

A change of rule shows here as a changed cell. The "superuser" column is a superuser whose
role is resident, so it shows what is_superuser alone grants (createsuperuser makes
administrators, which would hide it). There is no data-team role: the data and fraud team is
managers and administrators (can_review_links).
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from townhall.accounts import permissions
from townhall.accounts.models import User
from townhall.accounts.permissions import (
    PREDICATES,
    PermissionsOf,
    UnknownPermission,
    users_who_can_take_cases,
)
from townhall.accounts.tests.factories import UserFactory

# yes: allowed; -: refused.
TABLE = """
                            resident  agent  officer  team_lead  manager  designer  admin  superuser  signed_out  switched_off
can_use_staff_desk          -         yes    yes      yes        yes      yes       yes    yes        -           -
can_see_every_department    -         -      -        -          -        -         yes    yes        -           -
can_see_every_case_summary  -         yes    -        -          -        -         yes    yes        -           -
can_see_people              -         yes    -        yes        yes      -         yes    yes        -           -
can_review_links            -         -      -        -          yes      -         yes    yes        -           -
can_refund                  -         -      -        yes        yes      -         yes    yes        -           -
can_reconcile_payments      -         -      -        -          yes      -         yes    yes        -           -
can_see_figures             -         -      -        -          yes      -         yes    yes        -           -
can_design_services         -         -      -        -          -        yes       yes    yes        -           -
can_administer              -         -      -        -          -        -         yes    yes        -           -
can_take_cases              -         -      yes      yes        yes      -         -      -          -           -
"""  # noqa: E501


def _parse(table: str) -> dict[tuple[str, str], bool]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    cells = {}
    for name, *answers in rows:
        assert len(answers) == len(header), f"{name}: {len(answers)} answers, {len(header)} roles"
        for who, answer in zip(header, answers, strict=True):
            assert answer in {"yes", "-"}, f"{name} × {who}: {answer!r} is neither yes nor -"
            cells[name, who] = answer == "yes"
    return cells


EXPECTED = _parse(TABLE)
WHO = TABLE.strip().splitlines()[0].split()
ROLES = {
    "resident": User.Role.RESIDENT,
    "agent": User.Role.AGENT,
    "officer": User.Role.OFFICER,
    "team_lead": User.Role.TEAM_LEAD,
    "manager": User.Role.MANAGER,
    "designer": User.Role.DESIGNER,
    "admin": User.Role.ADMIN,
}


def someone(who: str) -> User | AnonymousUser:
    """An account of that kind, unsaved: the predicates read the account, not the database."""
    if who == "signed_out":
        return AnonymousUser()
    if who == "superuser":
        return User(email="root@example.gov.uk", role=User.Role.RESIDENT, is_superuser=True)
    if who == "switched_off":
        return User(email="gone@example.gov.uk", role=User.Role.ADMIN, is_active=False)
    return User(email=f"{who}@example.gov.uk", role=ROLES[who])


def test_the_table_names_every_role_and_every_predicate():
    assert set(WHO) == set(ROLES) | {"superuser", "signed_out", "switched_off"}
    public = {name for name in vars(permissions) if name.startswith("can_")}
    assert {name for name, _ in EXPECTED} == public
    assert {f"can_{name}" for name in PREDICATES} == public


@pytest.mark.parametrize(
    ("predicate", "who"), [pytest.param(p, w, id=f"{p}-{w}") for p, w in sorted(EXPECTED)]
)
def test_predicate_answers_as_the_table_says(predicate, who):
    answer = getattr(permissions, predicate)(someone(who))

    assert answer is EXPECTED[predicate, who], f"{predicate}({who}) is {answer}"


@pytest.mark.django_db
def test_the_query_of_who_can_take_cases_agrees_with_the_predicate():
    people = {
        who: UserFactory(email=f"{who}@example.gov.uk", role=role) for who, role in ROLES.items()
    }
    UserFactory(email="gone@example.gov.uk", role=User.Role.OFFICER, is_active=False)

    found = set(users_who_can_take_cases())

    assert found == {user for user in people.values() if permissions.can_take_cases(user)}
    assert {user.role for user in found} == {"officer", "team_lead", "manager"}


def _render(source: str, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return engines["django"].from_string(source).render({}, request)


def test_templates_ask_the_predicates_through_perms_can():
    source = (
        "{% if perms_can.refund %}refund{% endif %}|{% if perms_can.administer %}admin{% endif %}"
    )

    assert _render(source, someone("team_lead")) == "refund|"
    assert _render(source, someone("admin")) == "refund|admin"
    assert _render(source, someone("officer")) == "|"
    assert _render(source, AnonymousUser()) == "|"


def test_a_misspelt_permission_in_a_template_fails_loudly():
    with pytest.raises(UnknownPermission, match="perms_can has no permission 'refnd'; known: "):
        _render("{% if perms_can.refnd %}refund{% endif %}", someone("admin"))
    with pytest.raises(UnknownPermission, match="'can_refund'"):
        PermissionsOf(someone("admin"))["can_refund"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["agent", "officer", "manager", "designer", "admin"])
def test_the_desk_menu_offers_only_the_pages_the_predicates_allow(client, who):
    user = UserFactory(email=f"{who}@example.gov.uk", role=ROLES[who])
    client.force_login(user)

    page = client.get(reverse("desk:home")).content.decode()

    menu = {
        "desk:processes": permissions.can_design_services(user),
        "desk:figures": permissions.can_see_figures(user),
        "desk:payments_reconciliation": permissions.can_reconcile_payments(user),
        "desk:integrations": permissions.can_administer(user),
    }
    for name, allowed in menu.items():
        link = f'href="{reverse(name)}"'
        assert (link in page) is allowed, (
            f"{who}: {name} link shown {link in page}, allowed {allowed}"
        )
