"""Links that every page's header and footer show, reversed once per process.

Reversing a URL costs about as much as a small database query, and the base template shows a
dozen of them on every page. The names are plain strings (no import of the doors that own
them), so this bottom-floor module depends on nothing above it."""

from functools import cache
from urllib.parse import quote

from django.urls import get_script_prefix, reverse

SITE_LINKS = {
    "home": "portal:home",
    "services": "portal:services",
    "my_account": "portal:my_account",
    "sign_in": "accounts:sign_in",
    "sign_out": "accounts:sign_out",
    "register": "accounts:register",
    "accessibility": "portal:accessibility",
    "privacy": "portal:privacy",
    "staff": "desk:home",
    "session_status": "accounts:session_status",
    "session_extend": "accounts:session_extend",
}


@cache
def _links_under(prefix: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in SITE_LINKS.items()}


PLACEHOLDER = "th-placeholder"


@cache
def _pattern(name: str, prefix: str) -> str:
    return reverse(name, args=[PLACEHOLDER])


def site_links() -> dict[str, str]:
    return _links_under(get_script_prefix())


def link_with(name: str, value: str) -> str:
    """The URL named `name` for one slug-like value (a service slug, a case reference), without
    a reverse() per row of a long list. Only for URLs whose one argument is a str or slug."""
    return _pattern(name, get_script_prefix()).replace(PLACEHOLDER, quote(str(value), safe=""))


def service_start_url(slug: str) -> str:
    return link_with("portal:service_start", slug)
