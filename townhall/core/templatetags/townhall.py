from django import template

from townhall.core.links import link_with, service_start_url

register = template.Library()

STATUS_TAG_CLASS = {
    "open": "govuk-tag--blue",
    "in_progress": "govuk-tag--yellow",
    "closed": "govuk-tag--grey",
}


@register.inclusion_tag("includes/status_tag.html")
def status_tag(case) -> dict:
    return {"label": case.get_status_display(), "css": STATUS_TAG_CLASS.get(case.status, "")}


@register.filter
def pounds(pence) -> str:
    if pence in (None, ""):
        return ""
    return f"£{int(pence) / 100:,.2f}".replace(".00", "")


@register.filter
def service_url(service) -> str:
    """Start page of a service (a catalogue row or anything with a slug)."""
    return service_start_url(service.slug)


@register.filter
def link(value, name: str) -> str:
    """`{{ case.reference|link:"portal:request_detail" }}`: a URL per row without reverse()."""
    return link_with(name, value)
