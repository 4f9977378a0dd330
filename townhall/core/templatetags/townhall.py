from django import template
from django.utils.html import conditional_escape, format_html

from townhall.core.languages import Language, language_active
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


def _shown(obj, field: str) -> tuple[str, bool]:
    """The text of `field` in the page's language, and whether it fell back to English."""
    english = getattr(obj, field, "") if not isinstance(obj, dict) else obj.get(field, "")
    if language_active() != Language.WELSH:
        return english, False
    welsh = getattr(obj, f"{field}_cy", "") if not isinstance(obj, dict) else obj.get(f"{field}_cy")
    return (welsh, False) if welsh else (english, bool(english))


@register.filter
def shown(obj, field: str) -> str:
    """`{{ service|shown:"name" }}`: a council text (a service's name, its summary) in the
    page's language, from its `<field>_cy` sibling in Welsh; English where the Welsh is empty,
    marked `lang="en"` so a screen reader reads it as English."""
    text, fell_back = _shown(obj, field)
    return format_html('<span lang="en">{}</span>', text) if fell_back else conditional_escape(text)


@register.filter
def shown_text(obj, field: str) -> str:
    """As `shown`, for places that take no markup (a page title, an attribute)."""
    return _shown(obj, field)[0]


@register.simple_tag(takes_context=True)
def here(context) -> str:
    """This page's path and query, for the language switch to come back to: without any `next`
    of its own, which the page itself vouches for (or drops) and the switch need not carry."""
    request = context.get("request")
    if request is None:
        return "/"
    query = request.GET.copy()
    query.pop("next", None)
    return f"{request.path}?{query.urlencode()}" if query else request.path
