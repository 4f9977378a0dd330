from django import template

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.cases.services import assignees_for

register = template.Library()


@register.simple_tag
def assignees_of(case: Case) -> list[User]:
    return list(assignees_for(case).only("full_name", "email"))
