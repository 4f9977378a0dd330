"""The case page's process panel gets its data here, so the case view itself stays as it is."""

from django import template

from townhall.cases.models import Case
from townhall.workflow.selectors import CaseProcess, case_process

register = template.Library()


@register.simple_tag
def process_for(case: Case) -> CaseProcess | None:
    return case_process(case)
