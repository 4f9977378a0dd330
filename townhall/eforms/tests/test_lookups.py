"""A page's lookup: checked when the form is published, run when its page (or a question it
reads) is answered, its findings kept as answers that branches read and texts show."""

import pytest
from django.http import QueryDict

from townhall.eforms.definition import definition_errors
from townhall.eforms.engine import OUTCOME_REACHED, FormFlow
from townhall.eforms.lookups import LOOKUPS, Lookup, lookup_register, paragraphs_fill, text_fill
from townhall.eforms.services import form_page_submit, form_session_start
from townhall.portal.tests.fixtures import make_service

calls: list[dict] = []


def _parity(number):
    calls.append({"number": number})
    return {"parity": "even" if int(number) % 2 == 0 else "odd", "half": str(int(number) // 2)}


@pytest.fixture(autouse=True)
def parity():
    lookup_register(
        Lookup(
            name="test_parity",
            title="Odd or even",
            inputs=("number",),
            outputs={"parity": ["odd", "even"], "half": []},
            run=_parity,
        )
    )
    calls.clear()
    yield
    LOOKUPS.unregister("test_parity")


def _form(lookup=None) -> dict:
    return {
        "title": "Numbers",
        "pages": [
            {
                "id": "pick",
                "fields": [{"name": "n", "type": "number", "label": "A number", "required": True}],
            },
            {
                "id": "confirm",
                "title": "Half of it is {half}",
                "fields": [{"name": "ok", "type": "yesno", "label": "Is {half} right?"}],
                "lookup": lookup or {"name": "test_parity", "answers": {"number": "n"}},
                "next": [
                    {"when": {"field": "parity", "op": "eq", "value": "odd"}, "outcome": "odd"}
                ],
            },
        ],
        "outcomes": [{"id": "odd", "title": "{half} and a half"}],
    }


def test_a_sound_lookup_publishes_and_its_findings_count_as_asked():
    assert definition_errors(_form()) == []


def test_an_unknown_lookup_or_one_reading_an_unasked_question_is_refused():
    unknown = definition_errors(_form({"name": "no_such_lookup"}))
    assert unknown[0] == "Page 'confirm' uses the lookup 'no_such_lookup', which is not installed."
    unasked = definition_errors(_form({"name": "test_parity", "answers": {"number": "m"}}))
    assert "reads 'm' for its number, which is not asked on this page or before it" in unasked[0]
    wrong = definition_errors(_form({"name": "test_parity", "answers": {"size": "n"}}))
    assert "The lookup 'test_parity' takes no 'size' (it takes number)." in wrong


@pytest.mark.django_db
def test_the_lookup_runs_with_its_page_and_again_when_what_it_reads_changes():
    service = make_service(_form(), slug="numbers", name="Numbers", prefix="NU")
    session = form_session_start(service=service)
    form_page_submit(session=session, page_id="pick", data=QueryDict("n=4"))
    assert calls == []  # its own page is not answered yet
    outcome = form_page_submit(session=session, page_id="confirm", data=QueryDict("ok=yes"))
    assert outcome.next_page_id == "check"
    assert (session.answers["parity"], session.answers["half"]) == ("even", "2")
    # A new number from the check-answers page: the lookup runs again, and the route ends.
    outcome = form_page_submit(session=session, page_id="pick", data=QueryDict("n=7"))
    assert calls == [{"number": 4}, {"number": 7}]
    flow = FormFlow(session.form_version.definition, ask_contact=False)
    assert flow.next_page_id("confirm", session.answers) == OUTCOME_REACHED
    assert flow.outcome(session.answers)["id"] == "odd"
    assert flow.answers_on_route(session.answers) == {
        "n": 7,
        "ok": "yes",
        "parity": "odd",
        "half": "3",
    }


def test_texts_show_what_a_lookup_found_and_leave_other_braces_alone():
    values = {"half": "3"}
    assert text_fill("Is {half} right? {unknown} {}", values) == "Is 3 right? {unknown} {}"


def test_a_paragraph_showing_a_blank_finding_is_left_out():
    paragraphs = ["Collected on {day}.", "The crew's note: {note}", "Ask {nobody}."]
    assert paragraphs_fill(paragraphs, {"day": "Tuesday", "note": "  "}) == [
        "Collected on Tuesday.",
        "Ask {nobody}.",
    ]
    assert paragraphs_fill(paragraphs, {"day": "Tuesday", "note": "Bin hidden."})[1] == (
        "The crew's note: Bin hidden."
    )
