"""The form builder's edits of a form's outcomes (no database): added with an id made from
the title that never changes, English and Welsh, links by the schema's rule, removal
refused while a branch ends on one, moved; each giving a definition the engine accepts."""

import pytest

from townhall.builder.form_editing import branches_set, definition_start, page_add, question_add
from townhall.builder.form_outcomes import (
    next_steps_read,
    next_steps_texts,
    outcome_add,
    outcome_edit,
    outcome_id_make,
    outcome_move,
    outcome_remove,
)
from townhall.builder.form_questions import FormEditRefused
from townhall.eforms.definition import definition_errors, eligibility_errors


def _texts(title: str, **extra) -> dict:
    return {"title": title, **extra}


@pytest.fixture
def checker() -> dict:
    """One yes/no question: "Do you live in the borough?"."""
    definition = definition_start("Can I get a garden waste bin?")
    definition, page = page_add(definition, title="")
    answer = {"answer_type": "yesno", "label": "Do you live in the borough?", "required": True}
    definition, _ = question_add(definition, page, answer=answer)
    return definition


def test_an_outcome_gets_an_id_from_its_title_unique_and_kept_when_edited(checker):
    definition, first = outcome_add(checker, texts=_texts("You can get a bin"))
    definition, second = outcome_add(definition, texts=_texts("You can get a bin!"))
    assert (first, second) == ("you-can-get-a-bin", "you-can-get-a-bin-2")
    definition = outcome_edit(definition, first, texts=_texts("Yes, you can have one"))
    assert [o["id"] for o in definition["outcomes"]] == [first, second]
    assert definition["outcomes"][0]["title"] == "Yes, you can have one"
    assert outcome_id_make("42 days", set()) == "outcome-42-days"
    assert outcome_id_make("???", set()) == "outcome"
    assert len(outcome_id_make("x" * 300, set())) == 41
    assert definition_errors(definition) == []


def test_every_text_has_its_welsh_and_links_are_read_one_a_line(checker):
    definition, made = outcome_add(
        checker,
        texts={
            "title": "You can get a bin",
            "title_cy": "Gallwch gael bin",
            "panel": True,
            "body": "It costs £40 a year.\n\nWe collect every other week.",
            "body_cy": "Mae'n costio £40 y flwyddyn.",
            "next_steps": "Apply for a bin | /services/garden-waste/\r\n\r\n"
            "Read about composting | https://www.gov.uk/compost\n",
            "next_steps_cy": "Gwneud cais am fin\n\nDarllen am gompostio | https://www.gov.uk/compost",
        },
    )
    assert definition["outcomes"] == [
        {
            "id": made,
            "title": "You can get a bin",
            "title_cy": "Gallwch gael bin",
            "panel": True,
            "body": ["It costs £40 a year.", "We collect every other week."],
            "body_cy": ["Mae'n costio £40 y flwyddyn."],
            "next_steps": [
                {
                    "text": "Apply for a bin",
                    "href": "/services/garden-waste/",
                    "text_cy": "Gwneud cais am fin",
                },
                {
                    "text": "Read about composting",
                    "href": "https://www.gov.uk/compost",
                    "text_cy": "Darllen am gompostio",
                },
            ],
        }
    ]
    assert definition_errors(definition) == []
    english, welsh = next_steps_texts(definition["outcomes"][0])
    assert next_steps_read(english, welsh)[0] == definition["outcomes"][0]["next_steps"]


def test_a_welsh_line_matches_the_english_on_its_line():
    steps, errors = next_steps_read("A | /a\nB | /b", "\nB yn Gymraeg")
    assert errors == {}
    assert steps == [
        {"text": "A", "href": "/a"},
        {"text": "B", "href": "/b", "text_cy": "B yn Gymraeg"},
    ]
    _, errors = next_steps_read("A | /a", "A\nB")
    assert errors == {"next_steps_cy": "Line 2 of the Welsh has no link beside it in English"}


@pytest.mark.parametrize(
    "line",
    [
        "Apply /services/bins/",
        "| /services/bins/",
        "Apply |",
        "Apply | javascript:alert(1)",
        "Apply | //evil.example/",
        "Apply | http://example.com/",
        "Apply | services/bins",
        "Apply | /services/ bins",
        "Apply | /\\evil.example",
        "x" * 201 + " | /a",
    ],
)
def test_a_link_is_a_path_or_an_https_address_as_the_schema_says(checker, line):
    with pytest.raises(FormEditRefused) as refused:
        outcome_add(checker, texts=_texts("Bin", next_steps=line))
    assert refused.value.errors["next_steps"].startswith("Line 1 of what to do next")


def test_a_refused_outcome_says_what_to_fix_for_each_input(checker):
    with pytest.raises(FormEditRefused) as refused:
        outcome_add(
            checker,
            texts={
                "title": "",
                "title_cy": "x" * 201,
                "body_cy": "y" * 2001,
                "next_steps": "\n".join(f"Step {n} | /s/{n}" for n in range(11)),
            },
        )
    assert refused.value.errors == {
        "title": "Enter the outcome's title",
        "title_cy": "The Welsh title must be 200 characters or fewer",
        "body_cy": "Each paragraph must be 2,000 characters or fewer",
        "next_steps": "Give at most 10 links of what to do next",
    }


def test_an_outcome_a_branch_ends_on_cannot_be_removed(checker):
    definition, made = outcome_add(checker, texts=_texts("You can get a bin"))
    definition = branches_set(definition, "page-1", rules=[], otherwise=f"outcome:{made}")
    with pytest.raises(FormEditRefused) as refused:
        outcome_remove(definition, made)
    assert refused.value.errors["outcome"] == (
        "Outcome ‘You can get a bin’ cannot be removed: page 1 ends on it. "
        "Change where those pages go next first"
    )
    definition = branches_set(definition, "page-1", rules=[], otherwise="check")
    removed = outcome_remove(definition, made)
    assert "outcomes" not in removed
    assert definition_errors(removed) == []
    with pytest.raises(FormEditRefused):
        outcome_remove(removed, made)


def test_outcomes_move_up_and_down(checker):
    definition, a = outcome_add(checker, texts=_texts("A"))
    definition, b = outcome_add(definition, texts=_texts("B"))
    definition, c = outcome_add(definition, texts=_texts("C"))
    definition = outcome_move(definition, c, position=0)
    assert [o["id"] for o in definition["outcomes"]] == [c, a, b]
    definition = outcome_move(definition, c, position=9)
    assert [o["id"] for o in definition["outcomes"]] == [a, b, c]


def test_an_eligibility_checker_is_built_wholly_with_the_builders_edits(checker):
    assert eligibility_errors(checker)  # no outcomes yet, the last page ends nowhere
    definition, yes = outcome_add(checker, texts=_texts("You can get a bin", panel=True))
    definition, no = outcome_add(definition, texts=_texts("You cannot get a bin"))
    rule = {"question": "do_you_live_in_the_borough", "op": "eq", "value": "No"}
    definition = branches_set(
        definition, "page-1", rules=[{**rule, "goto": f"outcome:{no}"}], otherwise=f"outcome:{yes}"
    )
    assert definition_errors(definition) == []
    assert eligibility_errors(definition) == []
