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
            (e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
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
