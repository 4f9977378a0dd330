"""Who may see which cases. Every door (desk, field app, staff API) asks here, so the rule
is written once. A case someone may not see is reported as not found, never as forbidden,
so a reference cannot be confirmed by guessing it.
"""

from django.db.models import QuerySet
from django.http import Http404

from townhall.accounts.models import User
from townhall.accounts.permissions import can_see_every_department, can_use_staff_desk
from townhall.cases.models import Case


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Cases a member of staff may open: all for administrators, their departments' for
    other staff (agents too, for now), none for residents or anyone signed out."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    if can_see_every_department(user):
        return Case.objects.all()
    if not can_use_staff_desk(user):
        return Case.objects.none()
    # The ids as values, not a subquery: PostgreSQL then plans with the departments' own
    # statistics and picks the queue indexes (a subquery hid them: 10x slower at 1M cases).
    return Case.objects.filter(department_id__in=user_department_ids(user))


def user_department_ids(user: User) -> list[int]:
    """The departments a member of staff works in (read once per request)."""
    cached = getattr(user, "_department_ids", None)
    if cached is None:
        cached = list(user.departments.values_list("pk", flat=True))
        user._department_ids = cached  # type: ignore[attr-defined]
    return cached


def case_for_staff(user: User, reference: str) -> Case:
    """The case with this reference if `user` may see it; Http404 otherwise."""
    case = (
        cases_visible_to(user)
        .select_related("service", "department", "team", "assigned_to", "submission__form_version")
        .filter(reference=reference[:20])
        .first()
    )
    if case is None:
        raise Http404
    return case
