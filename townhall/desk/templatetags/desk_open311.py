from typing import Any

from django import template

from townhall.cases.models import Case
from townhall.open311.models import Open311Submission

register = template.Library()


@register.simple_tag
def open311_report_for(case: Case) -> Any:
    """What an Open311 client sent with the case (description, attribute answers), if any."""
    if case.channel != "open311":
        return None

    return Open311Submission.objects.select_related("client").filter(case=case).first()


@register.filter
def answer_text(value: Any) -> str:
    """An attribute answer for reading: lists joined with commas."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
