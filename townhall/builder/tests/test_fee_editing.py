"""The fees page's rule editing (builder.fee_editing): pounds read as typed, each kind of
rule made from what a designer typed and refused with its reasons by field, rules added,
changed, removed and moved, and "Try it" answers read as the form would keep them."""

import pytest

from townhall.builder.fee_editing import (
    FeeEditRefused,
    fee_questions,
    fee_rule_add,
    fee_rule_make,
    fee_rule_move,
    fee_rule_remove,
    fee_rule_replace,
    fee_rule_summary,
    fee_rule_values,
    fee_rules_fields,
    pence_parse,
    try_answers,
)
from townhall.eforms.fees import fee_work_out

FORM = {
    "title": "Book a bulky waste collection",
    "pages": [
        {
            "id": "items",
            "fields": [
                {"name": "count", "type": "number", "integer": True, "label": "How many items?"},
                {"name": "size", "type": "number", "label": "How heavy, in kg?"},
                {"name": "kinds", "type": "checkboxes", "label": "What kinds?", "options": [
                    {"value": "sofa", "label": "Sofa"}, {"value": "fridge", "label": "Fridge"},
                    {"value": "none", "label": "None of these", "exclusive": True}]},
                {"name": "bin", "type": "radios", "label": "Bin size", "options": [
                    {"value": "small", "label": "Small"}, {"value": "large", "label": "Large"}]},
                {"name": "benefits", "type": "yesno", "label": "Do you get benefits?"},
                {"name": "where", "type": "text", "label": "Where?"},
            ],
        }
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("£8.50", 850), ("8.5", 850), ("8", 800), (" 1,012.05 ", 101205), ("0", 0), ("", None)],
)
def test_pounds_are_read_as_typed(typed, pence):
    assert pence_parse(typed) == pence


@pytest.mark.parametrize("typed", ["-1", "8.505", "eight", "£-3", "1e3", "10000001"])
def test_anything_else_is_not_an_amount(typed):
    with pytest.raises(ValueError):
        pence_parse(typed)


def test_only_questions_of_the_right_type_are_offered():
    assert [n for n, _ in fee_questions(FORM, "per_item")] == ["count", "kinds"]
    assert [n for n, _ in fee_questions(FORM, "per_option")] == ["kinds", "bin", "benefits"]
    assert len(fee_questions(FORM, "fixed")) == 6
    assert fee_questions(None, "per_item") == []


def test_a_fixed_fee_with_a_condition():
    rule = fee_rule_make(
        "fixed",
        {"label": "Booking", "label_cy": "Archebu", "amount": "£35",
         "when_field": "bin", "when_value": "large"},
        FORM,
    )  # fmt: skip
    assert rule == {
        "kind": "fixed", "label": "Booking", "label_cy": "Archebu", "pence": 3500,
        "when": {"field": "bin", "op": "eq", "value": "large"},
    }  # fmt: skip
    assert fee_rule_summary(rule, FORM) == "£35.00, when the answer to ‘Bin size’ is ‘large’"


def test_a_per_item_rule_with_items_included_and_a_cap():
    rule = fee_rule_make(
        "per_item",
        {"label": "Extra items", "amount": "8.5", "field": "count", "included": "3", "cap": "50"},
        FORM,
    )
    assert rule == {"kind": "per_item", "label": "Extra items", "field": "count", "pence": 850,
                    "included": 3, "cap_pence": 5000}  # fmt: skip
    assert fee_work_out([rule], {"count": 5}).total_pence == 1700
    assert fee_work_out([rule], {"count": 20}).total_pence == 5000
    assert "after the first 3, at most £50.00" in fee_rule_summary(rule, FORM)


def test_a_condition_on_a_number_compares_numbers():
    rule = fee_rule_make(
        "fixed", {"label": "Heavy", "amount": "10", "when_field": "size", "when_value": "40"}, FORM
    )
    assert rule["when"] == {"field": "size", "op": "eq", "value": 40}
    assert fee_work_out([rule], {"size": 40}).total_pence == 1000


def test_option_prices_and_a_discount():
    prices = fee_rule_make(
        "per_option", {"label": "Bin", "field": "bin", "prices": {"small": "20", "large": "£45.50"}},
        FORM,
    )  # fmt: skip
    assert prices["prices"] == {"small": 2000, "large": 4550}
    discount = fee_rule_make(
        "discount",
        {"label": "Concession", "percent": "50%", "when_field": "benefits", "when_value": "yes"},
        FORM,
    )
    assert discount["percent"] == 50
    quote = fee_work_out([prices, discount], {"bin": "large", "benefits": "yes"})
    assert quote.total_pence == 2275


@pytest.mark.parametrize(
    ("kind", "values", "errors"),
    [
        ("fixed", {"amount": "ten"}, {"label", "amount"}),
        ("fixed", {"label": "A", "amount": ""}, {"amount"}),
        ("per_item", {"label": "A", "amount": "1", "included": "-2"}, {"field", "included"}),
        ("per_item", {"label": "A", "amount": "1", "field": "where"}, {"field"}),
        ("per_option", {"label": "A", "field": "bin", "prices": {}}, {"prices"}),
        ("per_option", {"label": "A", "field": "bin", "prices": {"small": "x"}}, {"prices"}),
        ("discount", {"label": "A", "percent": "150"}, {"percent", "when_field"}),
        ("fixed", {"label": "A", "amount": "1", "when_field": "bin"}, {"when_value"}),
        ("fixed", {"label": "A", "amount": "1", "when_value": "x"}, {"when_field"}),
        ("fixed", {"label": "A", "amount": "1", "when_field": "bin", "when_value": "huge"},
         {"when_field"}),
        ("fixed", {"label": "x" * 101, "amount": "1"}, {"label"}),
        ("nothing", {}, {"kind"}),
    ],
)  # fmt: skip
def test_what_cannot_make_a_rule_is_refused_by_field(kind, values, errors):
    with pytest.raises(FeeEditRefused) as caught:
        fee_rule_make(kind, values, FORM)
    assert set(caught.value.errors) == errors


def test_a_condition_the_page_cannot_show_is_kept_unless_replaced():
    kept = {"any": [{"field": "bin", "op": "eq", "value": "large"},
                    {"field": "count", "op": "gt", "value": 5}]}  # fmt: skip
    rule = {"kind": "fixed", "label": "Big", "pence": 100, "when": kept}
    values = fee_rule_values(rule)
    assert values["when_field"] == "" and values["amount"] == "1.00"
    assert fee_rule_make("fixed", values, FORM, kept_when=kept)["when"] == kept
    values.update(when_field="bin", when_value="small")
    assert fee_rule_make("fixed", values, FORM, kept_when=kept)["when"]["value"] == "small"
    assert fee_rule_summary(rule, FORM) == "£1.00, when its condition holds"


def test_a_rule_reads_back_as_it_was_typed():
    rule = fee_rule_make(
        "per_item", {"label": "Items", "amount": "8", "field": "kinds", "included": "1"}, FORM
    )
    assert fee_rule_make("per_item", fee_rule_values(rule), FORM) == rule


def test_rules_are_added_changed_removed_and_moved_without_changing_the_original():
    a, b, c = ({"kind": "fixed", "label": x, "pence": 1} for x in "abc")
    rules = fee_rule_add([a, b], c)
    assert [r["label"] for r in rules] == ["a", "b", "c"]
    assert [r["label"] for r in fee_rule_move(rules, 2, "up")] == ["a", "c", "b"]
    assert [r["label"] for r in fee_rule_move(rules, 0, "up")] == ["a", "b", "c"]
    assert [r["label"] for r in fee_rule_move(rules, 0, "down")] == ["b", "a", "c"]
    assert [r["label"] for r in fee_rule_remove(rules, 1)] == ["a", "c"]
    assert fee_rule_replace(rules, 1, a)[1] == a
    assert [r["label"] for r in rules] == ["a", "b", "c"]
    with pytest.raises(FeeEditRefused):
        fee_rule_remove(rules, 3)
    with pytest.raises(FeeEditRefused):
        fee_rule_add([a] * 50, b)


def test_try_it_answers_are_read_as_the_form_keeps_them():
    rules = [
        {"kind": "per_item", "label": "Items", "field": "kinds", "pence": 500},
        {"kind": "discount", "label": "Concession", "percent": 10,
         "when": {"all": [{"field": "benefits", "op": "eq", "value": "yes"}]}},
    ]  # fmt: skip
    assert fee_rules_fields(rules) == ["kinds", "benefits"]
    answers = try_answers(
        FORM, {"kinds": ["sofa", "none"], "count": ["2.0"], "size": ["x"], "benefits": ["yes"]}
    )
    assert answers == {"kinds": ["sofa", "none"], "count": 2, "benefits": "yes"}
    assert fee_work_out(rules, answers, FORM).total_pence == 450
