"""The Welsh catalogue (issue 20) is complete and safe to ship: no entry missing or fuzzy, every
placeholder kept, six plural forms as CLDR has them, and the committed .mo is the .po compiled
(Django reads the .mo; nobody needs GNU gettext to run Townhall)."""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import ngettext

PO = Path(settings.LOCALE_PATHS[0]) / "cy" / "LC_MESSAGES" / "django.po"
# %(name)s, %s, %d (Python's), and {name} (str.format's, as in format_lazy).
PERCENT = re.compile(r"%(?:\([a-z_0-9]+\))?[sdfr%]")
BRACES = re.compile(r"\{[a-z_0-9]*\}")
# CLDR's Welsh plural categories by number: zero, one, two, few, many, other.
CLDR_WELSH = {0: 0, 1: 1, 2: 2, 3: 3, 6: 4}


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def _placeholders(text: str) -> list[str]:
    return sorted(PERCENT.findall(text) + BRACES.findall(text))


def test_every_entry_is_translated_and_none_is_fuzzy_or_obsolete(catalogue):
    assert not catalogue.metadata_is_fuzzy
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []
    for entry in catalogue:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == 6, entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


def test_every_translation_keeps_the_placeholders_of_its_english(catalogue):
    wrong = []
    for entry in catalogue:
        if entry.msgid_plural:
            english = _placeholders(entry.msgid_plural)
            welsh = [_placeholders(form) for form in entry.msgstr_plural.values()]
        else:
            english, welsh = _placeholders(entry.msgid), [_placeholders(entry.msgstr)]
        wrong += [entry.msgid for found in welsh if found != english]
    assert wrong == []


def test_the_plural_forms_header_gives_welshs_six_forms(catalogue):
    header = catalogue.metadata["Plural-Forms"]
    assert header.startswith("nplurals=6;")
    rule = gettext.c2py(header.split("plural=", 1)[1].rstrip(";"))
    for n in range(0, 120):
        assert rule(n) == CLDR_WELSH.get(n, 5), n


def test_the_committed_mo_is_the_po_compiled(catalogue):
    compiled = polib.mofile(str(PO.with_suffix(".mo")))

    def pairs(entries) -> dict:
        return {
            (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in entries
            if e.msgid
        }

    assert pairs(compiled) == pairs(catalogue.translated_entries()), (
        "Compile the catalogue: python -c \"import polib; polib.pofile('"
        f"{PO}').save_as_mofile('{PO.with_suffix('.mo')}')\""
    )


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0 cyfeiriad wedi’u canfod"),
        (1, "1 cyfeiriad wedi’i ganfod"),
        (2, "2 gyfeiriad wedi’u canfod"),
        (3, "3 cyfeiriad wedi’u canfod"),
        (11, "11 cyfeiriad wedi’u canfod"),
    ],
)
def test_welsh_plurals_pick_the_form_of_each_number(count, expected):
    with translation.override("cy"):
        found = ngettext("%(count)s address found", "%(count)s addresses found", count)
        assert found % {"count": count} == expected
    with translation.override("en"):
        english = ngettext("%(count)s address found", "%(count)s addresses found", count)
        assert english % {"count": count} == f"{count} address{'' if count == 1 else 'es'} found"


def test_dates_and_numbers_read_the_welsh_way():
    from datetime import date

    from django.utils import dateformat

    tuesday = date(2026, 12, 8)
    with translation.override("cy"):
        assert dateformat.format(tuesday, "l j F Y") == "Dydd Mawrth 8 Rhagfyr 2026"
        assert dateformat.format(date(2026, 3, 1), "j F") == "1 Mawrth"
        assert formats.number_format(12345.5, 1, force_grouping=True) == "12,345.5"
    with translation.override("en"):
        assert dateformat.format(tuesday, "l j F Y") == "Tuesday 8 December 2026"


@pytest.mark.parametrize(
    ("count", "welsh"),
    [(1, "Lle i 1 eitem arall"), (2, "Lle i 2 eitem arall"), (6, "Lle i 6 eitem arall")],
)
def test_room_left_in_a_slot_reads_welsh_with_the_singular_after_the_number(count, welsh):
    with translation.override("cy"):
        room = ngettext("Room for %(count)s more item", "Room for %(count)s more items", count)
        assert room % {"count": count} == welsh
    with translation.override("en"):
        room = ngettext("Room for %(count)s more item", "Room for %(count)s more items", count)
        assert room % {"count": count} == f"Room for {count} more item{'' if count == 1 else 's'}"


def test_days_and_times_residents_read_are_in_their_language_not_the_servers_locale():
    from datetime import date, datetime

    from townhall.core.calendars import LONDON
    from townhall.core.languages import clock_text, day_text

    monday = date(2026, 12, 7)
    with translation.override("cy"):
        assert day_text(monday) == "Dydd Llun 7 Rhagfyr 2026"
        assert day_text(monday, year=False) == "Dydd Llun 7 Rhagfyr"
        assert clock_text(datetime(2026, 12, 7, 23, 59, tzinfo=LONDON)) == "11:59yh"
        assert clock_text(datetime(2026, 12, 7, 9, 0, tzinfo=LONDON)) == "9yb"
    with translation.override("en"):
        assert day_text(monday) == "Monday 7 December 2026"
        assert clock_text(datetime(2026, 12, 7, 15, 0, tzinfo=LONDON)) == "3pm"


def test_a_bookings_cut_off_and_a_permits_refund_reason_read_welsh():
    from datetime import date, datetime

    from townhall.bookings.models import Booking
    from townhall.core.calendars import LONDON
    from townhall.permits.refunds import refund_pro_rata

    cut_off = datetime(2026, 12, 7, 23, 59, tzinfo=LONDON)
    with translation.override("cy"):
        assert Booking(cancel_by=cut_off).cancel_by_text == "11:59yh, Dydd Llun 7 Rhagfyr"
        quote = refund_pro_rata(
            price_pence=5200,
            on=date(2026, 6, 1),
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            period_months=12,
            none_last_months=2,
            admin_fee_pence=1000,
        )
        assert quote.reason.startswith(f"{quote.months_left} mis cyfan ar ôl ar £4.33 y mis")
        assert quote.reason.endswith("llai ffi weinyddol o £10.00.")
    with translation.override("en"):
        assert Booking(cancel_by=cut_off).cancel_by_text == "11:59pm on Monday 7 December"
