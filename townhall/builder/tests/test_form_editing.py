"""The form builder's edits of a definition (no database): pages, questions, branches and
wording, each checked, each giving a definition the engine accepts."""

import pytest

from townhall.builder.form_editing import (
    branch_rows,
    branches_set,
    definition_start,
    page_add,
    page_edit,
    page_move,
    page_remove,
    question_add,
    question_edit,
    question_move,
    question_name_make,
    question_remove,
    wording_set,
)
from townhall.builder.form_questions import (
    ANSWER_TYPES,
    FormEditRefused,
    question_answer_type,
    question_field,
)
from townhall.eforms.definition import definition_errors


def _ask(label: str, answer_type: str = "text", **extra) -> dict:
    return {"answer_type": answer_type, "label": label, "required": True, **extra}


@pytest.fixture
def hedge() -> dict:
    """Three pages: a yes/no, a location, a photo."""
    definition = definition_start("Report an overgrown hedge")
    definition, first = page_add(definition, title="")
    definition, _ = question_add(definition, first, answer=_ask("Is it blocking a path?", "yesno"))
    definition, second = page_add(definition, title="Where is it?")
    definition, _ = question_add(definition, second, answer=_ask("Where is it?", "location"))
    definition, third = page_add(definition, title="A photo", title_cy="Llun")
    definition, _ = question_add(definition, third, answer=_ask("Add a photo", "photo"))
    return definition


def test_a_built_form_is_sound(hedge):
    assert [p["id"] for p in hedge["pages"]] == ["page-1", "where-is-it", "a-photo"]
    assert definition_errors(hedge) == []
    assert hedge["pages"][2]["title_cy"] == "Llun"


def test_every_answer_type_makes_a_field_the_engine_accepts():
    definition = definition_start("All")
    definition, page = page_add(definition, title="All")
    for kind, label in ANSWER_TYPES:
        extra = {"options": "One\nTwo"} if kind in ("radios", "checkboxes", "select") else {}
        definition, name = question_add(definition, page, answer=_ask(f"{label}?", kind, **extra))
        field = definition["pages"][0]["fields"][-1]
        assert question_answer_type(field) == kind
    assert definition_errors(definition) == []
    labels = dict(ANSWER_TYPES)
    assert {labels["text"], labels["yesno"], labels["photo"], labels["location"]} == {
        "Text",
        "Yes or no",
        "Photo",
        "Location",
    }


def test_photo_is_a_file_of_images_only():
    assert question_field(_ask("Photo", "photo"))["accept"] == ["image"]
    assert question_field(_ask("Proof", "file"))["accept"] == ["image", "pdf"]


def test_question_ids_come_from_the_text_are_unique_and_stay():
    assert question_name_make("Is the hedge blocking a path?", set()) == (
        "is_the_hedge_blocking_a_path"
    )
    assert question_name_make("Where?", {"where"}) == "where_2"
    assert question_name_make("2 bins", set()) == "q_2_bins"
    assert len(question_name_make("x" * 80, set())) <= 41
    definition = definition_start("F")
    definition, page = page_add(definition, title="P")
    definition, name = question_add(definition, page, answer=_ask("Where?"))
    changed = question_edit(definition, name, answer=_ask("Where exactly is it?"))
    assert changed["pages"][0]["fields"][0]["name"] == "where"
    assert changed["pages"][0]["fields"][0]["label"] == "Where exactly is it?"


def test_question_keeps_welsh_and_validation_of_its_type():
    field = question_field(
        _ask(
            "Permit number",
            label_cy="Rhif trwydded",
            hint="Like GW123",
            hint_cy="Fel GW123",
            min_length=4,
            max_length=8,
            pattern="[A-Z]{2}[0-9]+",
            pattern_error="Enter it like GW123",
            pattern_error_cy="Rhowch e fel GW123",
            min=3,  # not for text: ignored
        )
    )
    assert field == {
        "type": "text",
        "label": "Permit number",
        "label_cy": "Rhif trwydded",
        "hint": "Like GW123",
        "hint_cy": "Fel GW123",
        "required": True,
        "min_length": 4,
        "max_length": 8,
        "pattern": "[A-Z]{2}[0-9]+",
        "pattern_error": "Enter it like GW123",
        "pattern_error_cy": "Rhowch e fel GW123",
    }


def test_number_and_date_rules():
    number = question_field(_ask("How many?", "number", min=1, max=20, integer=True))
    assert (number["min"], number["max"], number["integer"]) == (1, 20, True)
    assert question_field(_ask("When?", "date", date_range="past"))["date_range"] == "past"


def test_bad_questions_are_refused_with_every_reason():
    with pytest.raises(FormEditRefused) as refused:
        question_field(
            {"answer_type": "text", "label": " ", "min_length": 9, "max_length": 3, "pattern": "("}
        )
    assert set(refused.value.errors) == {"label", "min_length", "pattern", "pattern_error"}
    with pytest.raises(FormEditRefused) as refused:
        question_field(_ask("Which?", "radios", options="\n \n"))
    assert refused.value.errors == {"options": "Enter the options, one on each line"}
    with pytest.raises(FormEditRefused) as refused:
        question_field(_ask("Which?", "checkboxes", options="A\nA"))
    assert refused.value.errors == {"options": "Each option must be different"}
    with pytest.raises(FormEditRefused) as refused:
        question_field(_ask("How many?", "number", min=5, max=1))
    assert "min" in refused.value.errors
    with pytest.raises(FormEditRefused):
        question_field({"answer_type": "essay", "label": "Why?"})


def test_options_one_a_line_keep_their_values_when_unchanged():
    field = question_field(_ask("Size?", "radios", options="Small\nLarge", options_cy="Bach\nMawr"))
    assert field["options"] == [
        {"value": "small", "label": "Small", "label_cy": "Bach"},
        {"value": "large", "label": "Large", "label_cy": "Mawr"},
    ]
    field["options"][0]["value"] = "s"  # made elsewhere: stays
    again = question_field(_ask("Size?", "radios", options="Large\nSmall\nHuge"), existing=field)
    assert [o["value"] for o in again["options"]] == ["large", "s", "huge"]


def test_pages_are_added_after_another_edited_and_moved(hedge):
    changed, new = page_add(hedge, title="Check", after="page-1")
    assert new == "check-2"  # 'check' is the check-answers page
    assert [p["id"] for p in changed["pages"]][:2] == ["page-1", "check-2"]
    changed = page_edit(changed, new, title="T", title_cy="T cy", intro="One\n\nTwo", intro_cy="Un")
    page = changed["pages"][1]
    assert (page["intro"], page["intro_cy"]) == (["One", "Two"], ["Un"])
    moved = page_move(changed, new, position=99)
    assert moved["pages"][-1]["id"] == new
    assert page_move(moved, new, position=0)["pages"][0]["id"] == new
    assert hedge["pages"][0]["id"] == "page-1"  # the original is untouched
    with pytest.raises(FormEditRefused):
        page_edit(hedge, "nope", title="x")


def test_questions_move_within_and_between_pages(hedge):
    changed, name = question_add(hedge, "page-1", answer=_ask("How high?", "number"))
    changed = question_move(changed, name, position=0)
    assert changed["pages"][0]["fields"][0]["name"] == name
    changed = question_move(changed, name, position=5, page_id="a-photo")
    assert [f["name"] for f in changed["pages"][2]["fields"]] == ["add_a_photo", name]


def test_branches_on_a_yes_no_answer(hedge):
    changed = branches_set(
        hedge,
        "page-1",
        rules=[
            {"question": "is_it_blocking_a_path", "op": "eq", "value": "No", "goto": "a-photo"},
            {"question": "", "op": "eq", "value": "", "goto": ""},  # an empty row: ignored
        ],
        otherwise="where-is-it",
    )
    assert changed["pages"][0]["next"] == [
        {"when": {"field": "is_it_blocking_a_path", "op": "eq", "value": "no"}, "goto": "a-photo"},
        {"goto": "where-is-it"},
    ]
    assert definition_errors(changed) == []
    rules, otherwise, kept = branch_rows(changed, "page-1")
    assert rules == [
        {"question": "is_it_blocking_a_path", "op": "eq", "value": "no", "goto": "a-photo"}
    ]
    assert (otherwise, kept) == ("where-is-it", [])
    cleared = branches_set(changed, "page-1", rules=[], otherwise="")
    assert "next" not in cleared["pages"][0]


def test_a_branch_can_end_the_journey_on_an_outcome(hedge):
    hedge = {**hedge, "outcomes": [{"id": "not-ours", "title": "The county deals with this"}]}
    changed = branches_set(
        hedge,
        "page-1",
        rules=[
            {
                "question": "is_it_blocking_a_path",
                "op": "eq",
                "value": "No",
                "goto": "outcome:not-ours",
            }
        ],
        otherwise="",
    )
    assert changed["pages"][0]["next"] == [
        {
            "when": {"field": "is_it_blocking_a_path", "op": "eq", "value": "no"},
            "outcome": "not-ours",
        }
    ]
    assert definition_errors(changed) == []
    rules, _, _ = branch_rows(changed, "page-1")
    assert rules[0]["goto"] == "outcome:not-ours"
    with pytest.raises(FormEditRefused):
        branches_set(hedge, "page-1", rules=[], otherwise="outcome:gone")


def test_branches_take_option_labels_and_keep_conditions_they_cannot_show():
    definition = definition_start("F")
    definition, page = page_add(definition, title="P")
    definition, name = question_add(
        definition, page, answer=_ask("Size?", "radios", options="Small\nLarge")
    )
    definition, other = page_add(definition, title="Q")
    definition, _ = question_add(definition, other, answer=_ask("Name?"))
    complex_branch = {"when": {"any": [{"field": name, "op": "answered"}]}, "goto": "check"}
    definition["pages"][0]["next"] = [complex_branch]
    changed = branches_set(
        definition, page, rules=[{"question": name, "op": "ne", "value": "large", "goto": "check"}]
    )
    assert changed["pages"][0]["next"] == [
        {"when": {"field": name, "op": "ne", "value": "large"}, "goto": "check"},
        complex_branch,
    ]
    assert branch_rows(changed, page)[0][0]["value"] == "Large"


def test_bad_branches_are_refused_row_by_row(hedge):
    with pytest.raises(FormEditRefused) as refused:
        branches_set(
            hedge,
            "page-1",
            rules=[
                {"question": "add_a_photo", "op": "eq", "value": "x", "goto": "a-photo"},
                {
                    "question": "is_it_blocking_a_path",
                    "op": "eq",
                    "value": "maybe",
                    "goto": "a-photo",
                },
                {"question": "is_it_blocking_a_path", "op": "eq", "value": "yes", "goto": "page-1"},
                {"question": "is_it_blocking_a_path", "op": "gt", "value": "yes", "goto": "check"},
            ],
            otherwise="gone",
        )
    assert refused.value.errors == {
        "rule-1": "Branch 1: choose a question asked on this page or before it",
        "rule-2": "Branch 2: ‘Is it blocking a path?’ is yes or no",
        "rule-3": "Branch 3: choose another page to go to",
        "rule-4": "Branch 4: choose is, is not or contains",
        "otherwise": "Choose another page to go to otherwise",
    }


def test_pages_and_questions_read_by_a_branch_are_not_removed(hedge):
    changed = branches_set(
        hedge,
        "page-1",
        rules=[{"question": "is_it_blocking_a_path", "op": "eq", "value": "no", "goto": "a-photo"}],
    )
    with pytest.raises(FormEditRefused, match="page page-1 branches to it"):
        page_remove(changed, "a-photo")
    with pytest.raises(FormEditRefused, match="branches on its answer"):
        question_remove(changed, "is_it_blocking_a_path")
    removed = page_remove(changed, "where-is-it")
    assert [p["id"] for p in removed["pages"]] == ["page-1", "a-photo"]
    gone = question_remove(hedge, "add_a_photo")
    assert gone["pages"][2]["fields"] == []
    with pytest.raises(FormEditRefused):
        question_remove(hedge, "nope")


def test_wording_in_both_languages(hedge):
    changed = wording_set(
        hedge,
        texts={
            "title": "Report a hedge",
            "title_cy": "Rhoi gwybod am wrych",
            "start_body": "Use this to report.\n\nIt takes 2 minutes.",
            "start_body_cy": "Defnyddiwch hwn.",
            "check_heading": "Check your report",
            "check_intro": "",
            "confirmation": "We will look within 10 days.",
            "confirmation_cy": "",
        },
    )
    assert changed["title_cy"] == "Rhoi gwybod am wrych"
    assert changed["start"] == {
        "body": ["Use this to report.", "It takes 2 minutes."],
        "body_cy": ["Defnyddiwch hwn."],
    }
    assert changed["check_answers"] == {"heading": "Check your report"}
    assert changed["confirmation"] == ["We will look within 10 days."]
    assert "confirmation_cy" not in changed
    assert definition_errors(changed) == []
    with pytest.raises(FormEditRefused) as refused:
        wording_set(hedge, texts={"title": "", "confirmation": "x" * 1001})
    assert set(refused.value.errors) == {"title", "confirmation"}


def test_welsh_options_pair_with_english_lines_blank_lines_and_all():
    field = question_field(
        _ask("Size?", "select", options="Small\n\nLarge\n", options_cy="Bach\n\nMawr")
    )
    assert [(o["label"], o.get("label_cy")) for o in field["options"]] == [
        ("Small", "Bach"),
        ("Large", "Mawr"),
    ]
