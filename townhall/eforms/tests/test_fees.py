"""Fee rules: each kind of rule, the rounding of discounts, caps, conditions, and the problems
a rule table has against the form it reads. Pure functions: no database."""

import json

import pytest

from townhall.eforms.definition import SCHEMA_PATH as FORM_SCHEMA_PATH
from townhall.eforms.fees import (
    FeeLine,
    FeeQuote,
    fee_rules_problems,
    fee_rules_schema,
    fee_work_out,
)

FORM = {
    "title": "Book a collection",
    "pages": [
        {
            "id": "items",
            "fields": [
                {
                    "name": "item_count",
                    "type": "number",
                    "label": "How many items?",
                    "integer": True,
                },
                {"name": "weight", "type": "number", "label": "How heavy, in kg?"},
            ],
            "title": "Items",
        },
        {
            "id": "kinds",
            "fields": [
                {
                    "name": "kinds",
                    "type": "checkboxes",
                    "label": "What are they?",
                    "options": [
                        {"value": "sofa", "label": "Sofa"},
                        {"value": "fridge", "label": "Fridge"},
                        {"value": "bed", "label": "Bed"},
                        {"value": "none", "label": "None of these", "exclusive": True},
                    ],
                }
            ],
        },
        {
            "id": "size",
            "fields": [
                {
                    "name": "size",
                    "type": "radios",
                    "label": "Which bin?",
                    "options": [
                        {"value": "small", "label": "Small"},
                        {"value": "large", "label": "Large"},
                    ],
                }
            ],
        },
        {
            "id": "concession",
            "fields": [{"name": "concession", "type": "yesno", "label": "Concession?"}],
        },
        {"id": "notes", "fields": [{"name": "notes", "type": "text", "label": "Notes"}]},
    ],
}
HALF_WITH_CONCESSION = {
    "kind": "discount",
    "label": "Concession",
    "label_cy": "Consesiwn",
    "percent": 50,
    "when": {"field": "concession", "op": "eq", "value": "yes"},
}


def _lines(quote: FeeQuote) -> list[tuple[str, int]]:
    return [(line.label, line.pence) for line in quote.lines]


# ----------------------------------------------------------------------------------------
# Working a fee out


def test_a_fixed_charge_is_always_made():
    quote = fee_work_out([{"kind": "fixed", "label": "Booking", "pence": 3500}], {})
    assert _lines(quote) == [("Booking", 3500)]
    assert quote.total_pence == 3500


def test_no_rules_cost_nothing():
    assert fee_work_out([], {"item_count": 4}) == FeeQuote(lines=[], total_pence=0)


@pytest.mark.parametrize(
    ("count", "extra"),
    [(None, 0), (0, 0), (1, 0), (3, 0), (4, 800), (7, 3200), (7.0, 3200), (-2, 0), (True, 0)],
)
def test_items_after_the_included_ones_are_charged_each(count, extra):
    rules = [
        {"kind": "fixed", "label": "Up to 3 items", "pence": 3500},
        {"kind": "per_item", "label": "Extra items", "field": "item_count", "pence": 800,
         "included": 3},
    ]  # fmt: skip
    quote = fee_work_out(rules, {"item_count": count})
    assert quote.total_pence == 3500 + extra
    # A line that comes to nothing is not shown.
    assert _lines(quote) == [("Up to 3 items", 3500)] + ([("Extra items", extra)] if extra else [])


def test_every_item_is_charged_when_none_are_included():
    rule = {"kind": "per_item", "label": "Bins", "field": "item_count", "pence": 5200}
    assert fee_work_out([rule], {"item_count": 2}).total_pence == 10400


def test_a_cap_is_the_most_a_per_item_line_charges():
    rule = {
        "kind": "per_item",
        "label": "Items",
        "field": "item_count",
        "pence": 1000,
        "cap_pence": 4500,
    }
    assert fee_work_out([rule], {"item_count": 4}).total_pence == 4000
    assert fee_work_out([rule], {"item_count": 5}).total_pence == 4500
    assert fee_work_out([rule], {"item_count": 12}).total_pence == 4500


def test_items_are_counted_from_the_checkboxes_ticked_but_not_exclusive_ones():
    rule = {"kind": "per_item", "label": "Items", "field": "kinds", "pence": 500, "included": 1}
    assert fee_work_out([rule], {"kinds": ["sofa", "fridge", "bed"]}, FORM).total_pence == 1000
    assert fee_work_out([rule], {"kinds": ["sofa"]}, FORM).total_pence == 0
    # "None of these" is not an item, when the form says it is exclusive.
    assert fee_work_out([rule], {"kinds": ["none", "fridge", "bed"]}, FORM).total_pence == 500
    assert fee_work_out([rule], {"kinds": ["none", "fridge", "bed"]}).total_pence == 1000


def test_a_price_per_option_charges_the_option_chosen_or_the_ones_ticked():
    by_size = {
        "kind": "per_option",
        "label": "Bin",
        "field": "size",
        "prices": {"small": 3000, "large": 4500},
    }
    assert _lines(fee_work_out([by_size], {"size": "large"})) == [("Bin", 4500)]
    assert fee_work_out([by_size], {"size": None}).total_pence == 0
    by_kind = {
        "kind": "per_option",
        "label": "Heavy items",
        "field": "kinds",
        "prices": {"fridge": 2000, "sofa": 1500},
    }
    assert fee_work_out([by_kind], {"kinds": ["sofa", "bed", "fridge"]}).total_pence == 3500


def test_a_concession_answer_halves_the_fee_above_it():
    rules = [
        {"kind": "per_item", "label": "Bins", "field": "item_count", "pence": 5200},
        HALF_WITH_CONCESSION,
    ]
    with_concession = fee_work_out(rules, {"item_count": 2, "concession": "yes"})
    assert _lines(with_concession) == [("Bins", 10400), ("Concession", -5200)]
    assert with_concession.total_pence == 5200
    without = fee_work_out(rules, {"item_count": 2, "concession": "no"})
    assert _lines(without) == [("Bins", 10400)] and without.total_pence == 10400
    # A discount takes off only what the lines above it charge.
    later = fee_work_out(
        [HALF_WITH_CONCESSION, {"kind": "fixed", "label": "Admin", "pence": 500}],
        {"concession": "yes"},
    )
    assert _lines(later) == [("Admin", 500)]


@pytest.mark.parametrize(
    ("pence", "percent", "taken_off"),
    [(105, 50, 53), (101, 50, 51), (100, 50, 50), (199, 10, 20), (194, 10, 19), (195, 10, 20),
     (1, 50, 1), (1, 49, 0), (3333, 100, 3333), (999, 33, 330)],
)  # fmt: skip
def test_a_discount_is_rounded_half_up_to_the_penny(pence, percent, taken_off):
    rules = [
        {"kind": "fixed", "label": "Fee", "pence": pence},
        {**HALF_WITH_CONCESSION, "percent": percent},
    ]
    quote = fee_work_out(rules, {"concession": "yes"})
    assert quote.total_pence == pence - taken_off
    assert all(isinstance(line.pence, int) for line in quote.lines)


def test_discounts_follow_one_another_and_the_total_never_goes_below_nothing():
    rules = [
        {"kind": "fixed", "label": "Fee", "pence": 1000},
        HALF_WITH_CONCESSION,
        {**HALF_WITH_CONCESSION, "label": "Second", "percent": 100},
    ]
    quote = fee_work_out(rules, {"concession": "yes"})
    assert _lines(quote) == [("Fee", 1000), ("Concession", -500), ("Second", -500)]
    assert quote.total_pence == 0


def test_any_rule_may_apply_only_when_its_condition_holds():
    rule = {
        "kind": "fixed",
        "label": "Large bin delivery",
        "pence": 1500,
        "when": {"all": [{"field": "size", "op": "eq", "value": "large"},
                         {"not": {"field": "concession", "op": "eq", "value": "yes"}}]},
    }  # fmt: skip
    assert fee_work_out([rule], {"size": "large", "concession": "no"}).total_pence == 1500
    assert fee_work_out([rule], {"size": "large", "concession": "yes"}).total_pence == 0
    assert fee_work_out([rule], {"size": "small"}).total_pence == 0


def test_lines_carry_their_welsh_label_and_fall_back_to_english():
    line = FeeLine(label="Concession", pence=-500, label_cy="Consesiwn")
    assert (line.label_in("cy"), line.label_in("en-gb")) == ("Consesiwn", "Concession")
    assert FeeLine(label="Bins", pence=1).label_in("cy") == "Bins"
    quote = fee_work_out(
        [{"kind": "fixed", "label": "Fee", "pence": 1000}, HALF_WITH_CONCESSION],
        {"concession": "yes"},
    )
    assert quote.lines_data() == [
        {"label": "Fee", "label_cy": "", "pence": 1000},
        {"label": "Concession", "label_cy": "Consesiwn", "pence": -500},
    ]
    json.dumps(quote.lines_data())  # kept as JSON with the submission


# ----------------------------------------------------------------------------------------
# Problems


def test_sound_rules_have_no_problems():
    rules = [
        {"kind": "fixed", "label": "Fee", "pence": 3500},
        {"kind": "per_item", "label": "Extra", "field": "item_count", "pence": 800, "included": 3},
        {"kind": "per_item", "label": "Kinds", "field": "kinds", "pence": 100, "cap_pence": 200},
        {"kind": "per_option", "label": "Bin", "field": "size", "prices": {"large": 1000}},
        {"kind": "per_option", "label": "Yes", "field": "concession", "prices": {"yes": 10}},
        HALF_WITH_CONCESSION,
    ]
    assert fee_rules_problems(rules, FORM) == []
    assert fee_rules_problems([], None) == []


def test_a_rule_reading_a_question_the_form_does_not_ask_is_named_by_its_index():
    rules = [
        {"kind": "fixed", "label": "Fee", "pence": 100},
        {"kind": "per_item", "label": "Bins", "field": "bins", "pence": 5200},
        {**HALF_WITH_CONCESSION, "when": {"any": [{"field": "benefits", "op": "answered"}]}},
    ]
    assert fee_rules_problems(rules, FORM) == [
        "/fee_rules/1/field: the form asks no question 'bins'",
        "/fee_rules/2/when/any/0/field: the form asks no question 'benefits'",
    ]
    assert fee_rules_problems(rules[1:2], None) == [
        "/fee_rules/0/field: the form asks no question 'bins'"
    ]


def test_a_rule_reading_a_question_of_the_wrong_type_is_refused():
    rules = [
        {"kind": "per_item", "label": "Weight", "field": "weight", "pence": 10},
        {"kind": "per_item", "label": "Notes", "field": "notes", "pence": 10},
        {"kind": "per_option", "label": "Count", "field": "item_count", "prices": {"1": 10}},
    ]
    problems = fee_rules_problems(rules, FORM)
    assert [p.split(":")[0] for p in problems] == [
        "/fee_rules/0/field",
        "/fee_rules/1/field",
        "/fee_rules/2/field",
    ]
    assert "'weight' is a number question; items are counted from a whole-number" in problems[0]
    assert "'item_count' is a number question; prices are given for the options" in problems[2]


def test_an_option_that_does_not_exist_is_refused():
    rules = [
        {"kind": "per_option", "label": "Bin", "field": "size", "prices": {"huge": 9000}},
        {**HALF_WITH_CONCESSION, "when": {"field": "concession", "op": "eq", "value": "true"}},
        {**HALF_WITH_CONCESSION, "when": {"field": "size", "op": "in", "value": ["small", "xl"]}},
    ]
    assert fee_rules_problems(rules, FORM) == [
        "/fee_rules/0/prices/huge: 'huge' is not an option of 'size' (small, large)",
        "/fee_rules/1/when/value: 'true' is not an option of 'concession' (yes, no)",
        "/fee_rules/2/when/value: 'xl' is not an option of 'size' (small, large)",
    ]


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ({"kind": "fixed", "label": "Fee"}, "/fee_rules/0: 'pence' is a required property"),
        ({"kind": "fixed", "label": "Fee", "pence": -1}, "/fee_rules/0/pence: -1 is less than"),
        ({"kind": "fixed", "label": "Fee", "pence": 9.5}, "/fee_rules/0/pence: 9.5 is not of"),
        ({"kind": "fixed", "label": "", "pence": 1}, "/fee_rules/0/label: '' should be non-empty"),
        ({"kind": "refund", "label": "Fee"}, "/fee_rules/0/kind: 'refund' is not one of"),
        ({"kind": "discount", "label": "Half", "percent": 50}, "'when' is a required property"),
        ({**HALF_WITH_CONCESSION, "percent": 150}, "/fee_rules/0/percent: 150 is greater than"),
        (
            {"kind": "fixed", "label": "F", "pence": 1, "field": "size"},
            "/fee_rules/0: 'field' is not one of",
        ),
        ({"kind": "fixed", "label": "F", "pence": 1, "colour": "red"}, "'colour' was unexpected"),
    ],
)
def test_a_rule_not_shaped_as_the_schema_says_is_refused_by_its_place(rule, reason):
    problems = fee_rules_problems([rule], FORM)
    assert any(p.startswith(reason) or reason in p for p in problems), problems


def test_rules_that_are_not_a_list_are_refused():
    assert fee_rules_problems({"kind": "fixed"}, FORM) == [
        "/fee_rules: {'kind': 'fixed'} is not of type 'array'"
    ]


def test_the_rule_schema_reads_conditions_as_form_pages_do():
    form_schema = json.loads(FORM_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert fee_rules_schema()["$defs"]["condition"] == form_schema["$defs"]["condition"]


def test_a_condition_of_the_wrong_shape_is_refused_with_its_likeliest_reason():
    rule = {**HALF_WITH_CONCESSION, "when": {"field": "concession", "op": "is"}}
    [problem] = fee_rules_problems([rule], FORM)
    assert problem.startswith("/fee_rules/0/when/op: 'is' is not one of ['eq', 'ne',")
