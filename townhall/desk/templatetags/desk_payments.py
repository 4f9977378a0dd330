from django import template

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.payments.models import Payment

register = template.Library()

REFUND_ROLES = {User.Role.TEAM_LEAD, User.Role.MANAGER, User.Role.ADMIN}


@register.simple_tag
def payments_for(case: Case) -> list[Payment]:
    return list(case.payments.prefetch_related("refunds").order_by("-created_at"))


@register.filter
def may_refund(user: User) -> bool:
    return user.is_superuser or user.role in REFUND_ROLES
