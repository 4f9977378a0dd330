from django import template

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
