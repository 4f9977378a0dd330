"""The two languages the council serves residents in (issue 20), and which one is active.

Residents choose with the "Cymraeg" / "English" switch on every portal page; the choice is
kept in Django's language cookie for the visit and, for a signed-in resident, on the account.
URLs stay the same in both languages, so the whole-page cache keys on the language read from
the request (`pagecache._key`)."""

from typing import TYPE_CHECKING

from django.db import models
from django.utils import translation

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    # A text read in the page's language when shown: kept lazy where it is cached.
    LazyText = str | _StrPromise
else:
    LazyText = str


class Language(models.TextChoices):
    # The names are shown in their own language, as GOV.UK's language toggle does.
    ENGLISH = "en", "English"
    WELSH = "cy", "Cymraeg"


def language_normalise(code: str | None) -> str:
    """ "cy" for any Welsh code, "en" for anything else (English is the default)."""
    return Language.WELSH.value if (code or "").lower().startswith("cy") else Language.ENGLISH.value


def language_active() -> str:
    """The language the current page is being rendered in: "cy" or "en"."""
    return language_normalise(translation.get_language())
