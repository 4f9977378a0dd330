"""Validation a designer sets in the form builder: shortest answer, a pattern with its own
error message; and the Welsh sibling of every text, which the schema accepts."""

import pytest
from django.http import QueryDict

from townhall.eforms.definition import definition_errors, pattern_problem
from townhall.eforms.fields import field_parse

POSTCODE_LIKE = {
    "name": "permit",
    "type": "text",
    "label": "Permit number",
    "required": True,
    "min_length": 4,
    "max_length": 8,
    "pattern": "[A-Z]{2}[0-9]+",
    "pattern_error": "Enter the permit number as 2 capital letters then numbers, like GW123",
}


def _parse(field: dict, typed: str):
    return field_parse(field, QueryDict(f"{field['name']}={typed}"))


def test_text_shorter_than_the_shortest_answer_is_refused():
    assert _parse(POSTCODE_LIKE, "GW1").error == "Permit number must be 4 characters or more"


def test_text_not_matching_the_pattern_gets_the_designers_message():
    result = _parse(POSTCODE_LIKE, "gw1234")
    assert result.error == POSTCODE_LIKE["pattern_error"]
    assert _parse(POSTCODE_LIKE, "GW1234").error == ""
    assert _parse(POSTCODE_LIKE, "GW1234").value == "GW1234"


def test_pattern_matches_the_whole_answer():
    assert _parse(POSTCODE_LIKE, "XGW123").error == POSTCODE_LIKE["pattern_error"]


def test_pattern_without_its_own_message_says_the_format_is_wrong():
    field = {**POSTCODE_LIKE, "pattern_error": ""}
    assert _parse(field, "nope").error == "Enter permit number in the right format"


def test_a_broken_pattern_refuses_rather_than_fails():
    field = {**POSTCODE_LIKE, "pattern": "([A-Z"}
    assert _parse(field, "GW1234").error == POSTCODE_LIKE["pattern_error"]


def test_schema_takes_welsh_beside_every_text():
    definition = {
        "title": "Report an overgrown hedge",
        "title_cy": "Rhoi gwybod am wrych sydd wedi gordyfu",
        "start": {"body": ["Tell us."], "body_cy": ["Dywedwch wrthym."]},
        "check_answers": {"heading": "Check", "heading_cy": "Gwirio", "intro": ["Look"]},
        "confirmation": ["Thank you"],
        "confirmation_cy": ["Diolch"],
        "pages": [
            {
                "id": "where",
                "title": "Where",
                "title_cy": "Ble",
                "intro": ["One"],
                "intro_cy": ["Un"],
                "fields": [
                    {**POSTCODE_LIKE, "label_cy": "Rhif y drwydded", "hint_cy": "Er enghraifft"},
                    {
                        "name": "blocking",
                        "type": "radios",
                        "label": "Is it blocking?",
                        "options": [{"value": "yes", "label": "Yes", "label_cy": "Ydy"}],
                    },
                ],
            }
        ],
    }
    assert definition_errors(definition) == []


def test_schema_wants_the_message_of_a_pattern():
    definition = {
        "title": "T",
        "pages": [{"id": "a", "fields": [{**POSTCODE_LIKE, "pattern_error": None}]}],
    }
    definition["pages"][0]["fields"][0].pop("pattern_error")
    assert any("pattern_error" in error for error in definition_errors(definition))


@pytest.mark.parametrize(
    ("pattern", "refused"),
    [
        ("[A-Z]{2}[0-9]+", False),
        (r"(\d{3})+", False),
        ("(ab|cd)*", False),
        ("(", True),
        ("(a+)+$", True),
        (r"([a-z]+\s?)+", True),
        (r"(\d{2,})*", True),
    ],
)
def test_patterns_that_do_not_compile_or_can_be_too_slow_are_refused(pattern, refused):
    assert bool(pattern_problem(pattern)) is refused
    definition = {
        "title": "T",
        "pages": [{"id": "a", "fields": [{**POSTCODE_LIKE, "pattern": pattern}]}],
    }
    assert bool(definition_errors(definition)) is refused
