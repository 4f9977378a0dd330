from django import template

from townhall.cases.models import Case
from townhall.payments.models import Payment

register = template.Library()


@register.simple_tag
def payments_for(case: Case) -> list[Payment]:
    return list(case.payments.prefetch_related("refunds").order_by("-created_at"))
