"""The two languages the council serves residents in (issue 20), and which one is active.

Residents choose with the "Cymraeg" / "English" switch on every portal page; the choice is
kept in Django's language cookie for the visit and, for a signed-in resident, on the account.
URLs stay the same in both languages, so the whole-page cache keys on the language read from
the request (`pagecache._key`)."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import models
from django.utils import dateformat, translation
from django.utils.translation import gettext

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


def day_text(day: date, *, year: bool = True) -> str:
    """A day as residents read it, in the active language: "Monday 7 December 2026" or
    "Dydd Llun 7 Rhagfyr 2026" (Django's month and day names, never strftime's, which
    follow the server's locale)."""
    return dateformat.format(day, "l j F Y" if year else "l j F")


def clock_text(moment: datetime) -> str:
    """A time of day as residents read it: "3pm", "11:59pm" ("3yh" in Welsh)."""
    hour = dateformat.format(moment, "g" if moment.minute == 0 else "g:i")
    return hour + (gettext("am") if moment.hour < 12 else gettext("pm"))
