from django import template

from townhall.cases.models import Case
from townhall.contractors.models import ContractorJob
from townhall.contractors.selectors import jobs_for_case

register = template.Library()


@register.simple_tag
def contractor_jobs_for(case: Case) -> list[ContractorJob]:
    return list(jobs_for_case(case.pk))
