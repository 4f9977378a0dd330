from django import template

from townhall.accounts.models import User
from townhall.cases.messages import MESSAGE_TEMPLATES
from townhall.cases.models import Case
from townhall.cases.services import assignees_for

register = template.Library()


@register.simple_tag
def assignees_of(case: Case) -> list[User]:
    return list(assignees_for(case).only("full_name", "email"))


@register.simple_tag
def message_templates() -> list[tuple[str, str]]:
    return [(key, title) for key, (title, _) in MESSAGE_TEMPLATES.items()]
