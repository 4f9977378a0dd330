"""What each member of staff may do, as named predicates over a user: the one place where
roles turn into permissions.

Every door asks here: the desk's decorators and views, its templates (through
`perms_can`, see accounts.context_processors), the staff JSON API, the contact centre and
the golden record. A change of rule is then one line here and one row of the table in
accounts/tests/test_permissions.py. Which cases someone sees is a question of departments,
not roles, and stays in cases.permissions (which asks here about roles).

Someone signed out, or whose account is switched off, may do nothing. A superuser may do
everything a role grants, except hold cases: only the roles that work cases are given them.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from townhall.accounts.models import User

Someone = AbstractBaseUser | AnonymousUser

Role = User.Role
STAFF_ROLES = frozenset(Role) - {Role.RESIDENT}
# The roles that work cases day to day; agents pass callers' requests on, designers and
# administrators keep the system, and none of them is given cases.
CASE_HOLDER_ROLES = frozenset({Role.OFFICER, Role.TEAM_LEAD, Role.MANAGER})


def _granted(user: Someone, roles: frozenset[str], *, superuser: bool = True) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if superuser and getattr(user, "is_superuser", False):
        return True
    return getattr(user, "role", None) in roles


def can_use_staff_desk(user: Someone) -> bool:
    """Council staff of any role (and superusers) may enter the staff desk, hold a staff API
    token and set up a second factor; they are also signed out sooner when idle."""
    return _granted(user, STAFF_ROLES)


def can_see_every_department(user: Someone) -> bool:
    """Administrators work across the council: every department's cases, queues and
    figures. Everyone else sees their own departments'."""
    return _granted(user, frozenset({Role.ADMIN}))


def can_see_every_case_summary(user: Someone) -> bool:
    """Contact-centre agents answer callers about anything, so they see the summary of every
    case (never its internal notes) and every resident's details; so do administrators."""
    return _granted(user, frozenset({Role.AGENT, Role.ADMIN}))


def can_see_people(user: Someone) -> bool:
    """The golden record's single view of a person (the same resident in the council's other
    systems): agents finding callers, team leads, managers and administrators. Service
    officers see cases, not people."""
    return _granted(user, frozenset({Role.AGENT, Role.TEAM_LEAD, Role.MANAGER, Role.ADMIN}))


def can_review_links(user: Someone) -> bool:
    """The data and fraud team (managers and administrators) keeps the golden record: reviews
    suggested links, merges and splits people, reads possible duplicate claims and data
    quality, and imports sources."""
    return _granted(user, frozenset({Role.MANAGER, Role.ADMIN}))


def can_refund(user: Someone) -> bool:
    """Team leads, managers and administrators may refund a payment on a case they can see."""
    return _granted(user, frozenset({Role.TEAM_LEAD, Role.MANAGER, Role.ADMIN}))


def can_reconcile_payments(user: Someone) -> bool:
    """Finance's daily reconciliation file of payments: managers and administrators."""
    return _granted(user, frozenset({Role.MANAGER, Role.ADMIN}))


def can_see_figures(user: Someone) -> bool:
    """The figures page (demand, self-service, timeliness, cost per transaction): managers
    for their departments, administrators for every department."""
    return _granted(user, frozenset({Role.MANAGER, Role.ADMIN}))


def can_design_services(user: Someone) -> bool:
    """Service designers and administrators edit, check and publish processes."""
    return _granted(user, frozenset({Role.DESIGNER, Role.ADMIN}))


def can_administer(user: Someone) -> bool:
    """System administrators: integrations (failed messages, partners, Open311 clients and
    their keys) and the audit trail."""
    return _granted(user, frozenset({Role.ADMIN}))


def can_take_cases(user: Someone) -> bool:
    """Officers, team leads and managers may be given cases (of their own departments; see
    cases.services.assignees_for). Not superusers as such: holding work is a job, not a
    privilege."""
    return _granted(user, CASE_HOLDER_ROLES, superuser=False)


def users_who_can_take_cases() -> QuerySet[User]:
    """Everyone for whom can_take_cases holds, as a query to narrow by department."""
    return User.objects.filter(is_active=True, role__in=CASE_HOLDER_ROLES)


# The predicates by the name templates use: {% if perms_can.refund %} asks can_refund.
PREDICATES: Mapping[str, Callable[[Someone], bool]] = {
    "use_staff_desk": can_use_staff_desk,
    "see_every_department": can_see_every_department,
    "see_every_case_summary": can_see_every_case_summary,
    "see_people": can_see_people,
    "review_links": can_review_links,
    "refund": can_refund,
    "reconcile_payments": can_reconcile_payments,
    "see_figures": can_see_figures,
    "design_services": can_design_services,
    "administer": can_administer,
    "take_cases": can_take_cases,
}


class UnknownPermission(LookupError):
    """A template asked perms_can for a name that is not a predicate here. Not a KeyError, so
    the template engine does not quietly read a misspelt name as "no"."""


class PermissionsOf:
    """One user's predicates for templates, asked only when a template reads one."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getitem__(self, name: str) -> bool:
        predicate = PREDICATES.get(name)
        if predicate is None:
            known = ", ".join(sorted(PREDICATES))
            raise UnknownPermission(f"perms_can has no permission {name!r}; known: {known}.")
        return predicate(self.user)
