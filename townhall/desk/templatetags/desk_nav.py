"""Which item of the staff menu a desk page belongs to, from its URL name alone (no queries):
one place to say it, instead of a condition repeated on every item of the menu."""

from django import template
from django.urls import ResolverMatch

register = template.Library()

PROCESS_PAGES = {"processes", "process_edit", "process_diff"}


@register.filter
def desk_section(match: ResolverMatch | None) -> str:
    """The menu item to mark current; "cases" for every page no other item claims."""
    if match is None:
        return "cases"
    name = match.url_name or ""
    if "contact" in match.namespaces:
        return "contact"
    if "builder" in match.namespaces:
        return "services"
    if name in PROCESS_PAGES:
        return "processes"
    if "slots" in name:
        return "slots"
    if "integration" in name:
        return "integrations"
    if "payments" in name:
        return "payments"
    if name in {"work", "permits", "figures"}:
        return name
    return "cases"
