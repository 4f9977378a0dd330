import re

from django.conf import settings


def link_in(message) -> str:
    """The site-relative path of the first link in an email."""
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0).removeprefix(settings.SITE_URL)
