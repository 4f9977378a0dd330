"""The library processes' words to residents in Welsh for a Welsh case (issue 20)."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from townhall.cases.models import CaseEvent
from townhall.desk.tests.factories import case_make, service_make
from townhall.workflow.operations import notify_resident, set_status
from townhall.workflow.registry import OperationContext
from townhall.workflow.resident_words import LIBRARY_WORDS

LIBRARY = Path(__file__).resolve().parents[1] / "library"
PO = Path(settings.BASE_DIR) / "townhall" / "locale" / "cy" / "LC_MESSAGES" / "django.po"
# The parameters that reach a resident: a status change's note, a message's text.
TOLD = {"set_status": "note", "notify_resident": "text", "send_holding_message": "text"}


def _library_words() -> set[str]:
    words = set()
    for path in LIBRARY.glob("*.bpmn"):
        text = path.read_text(encoding="utf-8")
        for operator, body in re.findall(
            r'serviceTaskOperator id="(\w+)">(.*?)</spiffworkflow:serviceTaskOperator>', text
        ):
            if operator in TOLD:
                for value in re.findall(
                    rf'parameter id="{TOLD[operator]}" type="any" value="(.*?)"', body
                ):
                    words.add(ast.literal_eval(value.replace("&quot;", '"')))
    return words


def test_every_word_the_library_says_to_residents_is_listed_and_in_welsh():
    found = _library_words()
    assert len(found) >= 30
    assert found - set(LIBRARY_WORDS) == set()
    welsh = {e.msgid: e.msgstr for e in polib.pofile(str(PO)) if e.translated()}
    assert [w for w in found if not welsh.get(w)] == []


@pytest.mark.django_db
def test_a_process_tells_a_welsh_resident_in_welsh_and_an_english_one_in_english():
    service = service_make(name="Report fly-tipping")
    welsh, english = case_make(service=service, language="cy"), case_make(service=service)
    for case in (welsh, english):
        ctx = OperationContext(case=case, instance=None, task_id="t", data={})
        notify_resident(ctx, "We have passed this to the team.")
        set_status(
            ctx, "closed", note="The fly-tipping has been cleared. Thank you for reporting it."
        )
    notes = lambda case, kind: list(  # noqa: E731
        case.events.filter(kind=kind).values_list("text", flat=True)
    )
    assert notes(welsh, CaseEvent.Kind.PUBLIC_NOTE) == ["Rydym wedi trosglwyddo hyn i’r tîm."]
    assert notes(welsh, CaseEvent.Kind.STATUS_CHANGED) == [
        "Mae’r tipio anghyfreithlon wedi’i glirio. Diolch am roi gwybod i ni."
    ]
    assert notes(english, CaseEvent.Kind.PUBLIC_NOTE) == ["We have passed this to the team."]
    # A council's own words, which the catalogue cannot know, go as written.
    ctx = OperationContext(case=welsh, instance=None, task_id="t", data={})
    notify_resident(ctx, "Mae’r criw yn dod ddydd Llun.")
    assert "Mae’r criw yn dod ddydd Llun." in notes(welsh, CaseEvent.Kind.PUBLIC_NOTE)
