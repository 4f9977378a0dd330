"""The fee page's edits of a service's rule table (eforms/fees.py): pure functions, no database.

Each edit takes the rules (the `fee_rules` of a service file) and returns a changed copy;
`fee_rule_make` turns what a designer typed (pounds, a question, option prices, a simple
"when the answer to <question> is <value>") into one rule, or raises FeeEditRefused naming
the fields to fix. Whether a rule fits the form is `fees.fee_rules_problems`' rule, whose
reasons are put back on the fields they name. A condition the page cannot show (all, any,
not, or a test other than "is") is kept as written when the designer leaves it alone.
"""

import copy
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from townhall.eforms.definition import CHOICE_TYPES
from townhall.eforms.fees import DISCOUNT, FIXED, PER_ITEM, PER_OPTION, fee_rules_problems

Rule = dict[str, Any]
KINDS = {
    FIXED: gettext_lazy("A fixed amount"),
    PER_ITEM: gettext_lazy("An amount for each item"),
    PER_OPTION: gettext_lazy("A price for each option chosen"),
    DISCOUNT: gettext_lazy("A discount off the lines above"),
}
KIND_HINTS = {
    FIXED: gettext_lazy("Always charged, or only when a condition holds (a booking's base price)."),
    PER_ITEM: gettext_lazy(
        "Counted from a whole-number answer or the boxes ticked, after some included."
    ),
    PER_OPTION: gettext_lazy(
        "The price of the option chosen in radios, a list, yes/no or checkboxes."
    ),
    DISCOUNT: gettext_lazy(
        "A percentage off when an answer says so (a concession halves the fee)."
    ),
}
MAX_PENCE = 100_000_000
MAX_RULES = 50
LABEL_MAX = 100
_POUNDS = re.compile(r"^\d{1,7}(\.\d{1,2})?$")


class FeeEditRefused(Exception):
    """What to fix, by the name of the field it is about ("" for the rule as a whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def pence_parse(text: str) -> int | None:
    """Pounds as typed ("£8.50", "8.5", "1,012") as whole pence; None when empty.
    Raises ValueError for anything else (a negative amount, a third decimal place)."""
    cleaned = text.strip().removeprefix("£").replace(",", "").strip()
    if not cleaned:
        return None
    if not _POUNDS.fullmatch(cleaned):
        raise ValueError(text)
    try:
        pence = int(Decimal(cleaned) * 100)
    except InvalidOperation:
        raise ValueError(text) from None
    if pence > MAX_PENCE:
        raise ValueError(text)
    return pence


def pounds_text(pence: int | None) -> str:
    """Pence as the pounds a designer types (850: "8.50"); "" for None."""
    return "" if pence is None else f"{Decimal(pence) / 100:.2f}"


def _questions(definition: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not definition:
        return []
    return [field for page in definition.get("pages", []) for field in page.get("fields", [])]


def _counts_items(question: dict[str, Any]) -> bool:
    return question["type"] == "checkboxes" or (
        question["type"] == "number" and bool(question.get("integer"))
    )


def _has_options(question: dict[str, Any]) -> bool:
    return question["type"] in CHOICE_TYPES | {"yesno"}


def fee_questions(definition: dict[str, Any] | None, kind: str) -> list[tuple[str, str]]:
    """(name, label) of the questions a rule of `kind` may read: whole numbers or checkboxes
    for items, questions with options for option prices; every question for a condition."""
    fits = {PER_ITEM: _counts_items, PER_OPTION: _has_options}.get(kind, lambda q: True)
    return [(q["name"], q.get("label") or q["name"]) for q in _questions(definition) if fits(q)]


def question_options(definition: dict[str, Any] | None, name: str) -> list[tuple[str, str]]:
    """(value, label) of each option of the question `name` (yes and no for yes/no)."""
    for question in _questions(definition):
        if question["name"] == name:
            if question["type"] == "yesno":
                return [("yes", "Yes"), ("no", "No")]
            return [(o["value"], o.get("label") or o["value"]) for o in question.get("options", [])]
    return []


def simple_condition(when: dict[str, Any] | None) -> tuple[str, str] | None:
    """(question, value) of a condition "the answer to <question> is <value>", or None when
    the condition is another shape (kept as written) or there is none."""
    if when and set(when) <= {"field", "op", "value"} and when.get("op") == "eq":
        value = when.get("value")
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(when["field"]), str(value)
    return None


def _condition(definition: dict[str, Any] | None, name: str, value: str) -> dict[str, Any]:
    typed: Any = value
    for question in _questions(definition):
        if question["name"] == name and question["type"] == "number":
            try:
                number = float(value)
                typed = int(number) if number.is_integer() else number
            except ValueError:
                typed = value
    return {"field": name, "op": "eq", "value": typed}


def _whole(text: str, name: str, what: str, errors: dict[str, str]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 10000:
        errors[name] = gettext("Enter %(what)s as a whole number from 0 to 10,000, like 3") % {
            "what": what
        }
        return None
    return int(text)


def _money(text: str, name: str, what: str, errors: dict[str, str]) -> int | None:
    try:
        return pence_parse(text)
    except ValueError:
        errors[name] = gettext("Enter %(what)s in pounds, like 8.50") % {"what": what}
        return None


def _problem_field(problem: str) -> str:
    """The page's field a `fee_rules_problems` reason is about ("/0/prices/x: ..." : price)."""
    place = problem.split(":", 1)[0]
    for part, name in (
        ("/prices/", "prices"),
        ("/when", "when_field"),
        ("/field", "field"),
        ("/pence", "amount"),
        ("/percent", "percent"),
        ("/cap_pence", "cap"),
        ("/included", "included"),
        ("/label_cy", "label_cy"),
        ("/label", "label"),
    ):
        if part in place:
            return name
    return ""


def fee_rule_make(
    kind: str,
    values: dict[str, Any],
    definition: dict[str, Any] | None,
    *,
    kept_when: dict[str, Any] | None = None,
) -> Rule:
    """One rule of `kind` from what the designer typed (`values`: label, label_cy, amount,
    field, included, cap, prices {option value: pounds}, percent, when_field, when_value),
    checked against the form `definition`. `kept_when`: the rule's condition the page could
    not show, kept when no simple one was given. Raises FeeEditRefused."""
    if kind not in KINDS:
        raise FeeEditRefused({"kind": gettext("Choose what the rule charges")})
    errors: dict[str, str] = {}
    rule: Rule = {"kind": kind, "label": str(values.get("label", "")).strip()}
    if not rule["label"]:
        errors["label"] = gettext("Enter the label residents see on check answers")
    label_cy = str(values.get("label_cy", "")).strip()
    if label_cy:
        rule["label_cy"] = label_cy
    if kind in (PER_ITEM, PER_OPTION):
        rule["field"] = str(values.get("field", "")).strip()
        if not rule["field"]:
            errors["field"] = gettext("Choose the question the rule reads")
    if kind in (FIXED, PER_ITEM):
        pence = _money(str(values.get("amount", "")), "amount", gettext("the amount"), errors)
        if pence is None and "amount" not in errors:
            errors["amount"] = gettext("Enter the amount in pounds, like 8.50")
        rule["pence"] = pence
    if kind == PER_ITEM:
        included = _whole(
            str(values.get("included", "")), "included", gettext("the items included"), errors
        )
        if included:
            rule["included"] = included
        cap = _money(str(values.get("cap", "")), "cap", gettext("the most it charges"), errors)
        if cap is not None:
            rule["cap_pence"] = cap
    if kind == PER_OPTION:
        prices: dict[str, int] = {}
        for value, typed in (values.get("prices") or {}).items():
            price = _money(
                str(typed), "prices", gettext("the price of ‘%(value)s’") % {"value": value}, errors
            )
            if price is not None:
                prices[value] = price
        if not prices and "prices" not in errors and "field" not in errors:
            errors["prices"] = gettext("Enter the price of at least one option")
        rule["prices"] = prices
    if kind == DISCOUNT:
        percent = str(values.get("percent", "")).strip().removesuffix("%").strip()
        if not percent.isdigit() or not 1 <= int(percent) <= 100:
            errors["percent"] = gettext(
                "Enter the discount as a whole percentage from 1 to 100, like 50"
            )
        else:
            rule["percent"] = int(percent)
    when_field = str(values.get("when_field", "")).strip()
    when_value = str(values.get("when_value", "")).strip()
    if when_field and not when_value:
        errors["when_value"] = gettext("Enter the answer the rule applies for")
    elif when_value and not when_field:
        errors["when_field"] = gettext("Choose the question the condition reads")
    elif when_field:
        rule["when"] = _condition(definition, when_field, when_value)
    elif kept_when:
        rule["when"] = copy.deepcopy(kept_when)
    if kind == DISCOUNT and "when" not in rule and "when_field" not in errors:
        errors.setdefault("when_field", gettext("Choose the answer that gives the discount"))
    if errors:
        raise FeeEditRefused(errors)
    problems = fee_rules_problems([rule], definition, base="")
    if problems:
        found: dict[str, str] = {}
        for problem in problems:
            found.setdefault(_problem_field(problem), problem.split(": ", 1)[-1])
        raise FeeEditRefused(found)
    return rule


def fee_rule_values(rule: Rule) -> dict[str, Any]:
    """What the rule's page shows of `rule`, as `fee_rule_make` reads it back."""
    simple = simple_condition(rule.get("when"))
    return {
        "kind": rule["kind"],
        "label": rule.get("label", ""),
        "label_cy": rule.get("label_cy", ""),
        "amount": pounds_text(rule.get("pence")),
        "field": rule.get("field", ""),
        "included": str(rule["included"]) if rule.get("included") else "",
        "cap": pounds_text(rule.get("cap_pence")),
        "prices": {value: pounds_text(p) for value, p in rule.get("prices", {}).items()},
        "percent": str(rule.get("percent", "")),
        "when_field": simple[0] if simple else "",
        "when_value": simple[1] if simple else "",
    }


def _index(rules: list[Rule], index: int) -> int:
    if not 0 <= index < len(rules):
        raise FeeEditRefused({"": gettext("That rule is no longer in the table")})
    return index


def fee_rule_add(rules: list[Rule], rule: Rule) -> list[Rule]:
    """The rules with `rule` added last (discounts take off the lines above them)."""
    if len(rules) >= MAX_RULES:
        raise FeeEditRefused(
            {
                "": gettext("A service has at most %(max_rules)s fee rules")
                % {"max_rules": MAX_RULES}
            }
        )
    return [*copy.deepcopy(rules), rule]


def fee_rule_replace(rules: list[Rule], index: int, rule: Rule) -> list[Rule]:
    changed = copy.deepcopy(rules)
    changed[_index(rules, index)] = rule
    return changed


def fee_rule_remove(rules: list[Rule], index: int) -> list[Rule]:
    changed = copy.deepcopy(rules)
    del changed[_index(rules, index)]
    return changed


def fee_rule_move(rules: list[Rule], index: int, direction: str) -> list[Rule]:
    """The rules with the one at `index` one place "up" or "down" (no further than the ends)."""
    changed = copy.deepcopy(rules)
    _index(rules, index)
    target = index + {"up": -1, "down": 1}.get(direction, 0)
    if target != index and 0 <= target < len(changed):
        changed[index], changed[target] = changed[target], changed[index]
    return changed


def _label(definition: dict[str, Any] | None, name: str) -> str:
    labels = dict(fee_questions(definition, ""))
    return f"‘{labels.get(name, name)}’"


def fee_rule_summary(rule: Rule, definition: dict[str, Any] | None) -> str:
    """What the rule charges, in words ("£8.00 for each item of ‘How many?’ after the first 3")."""
    kind = rule["kind"]
    if kind == FIXED:
        text = f"£{pounds_text(rule['pence'])}"
    elif kind == PER_ITEM:
        text = gettext("£%(pence)s for each item of %(field)s") % {
            "pence": pounds_text(rule["pence"]),
            "field": _label(definition, rule["field"]),
        }
        if rule.get("included"):
            text += gettext(" after the first %(included)s") % {"included": rule["included"]}
        if rule.get("cap_pence") is not None:
            text += gettext(", at most £%(cap_pence)s") % {
                "cap_pence": pounds_text(rule["cap_pence"])
            }
    elif kind == PER_OPTION:
        prices = ", ".join(f"{v}: £{pounds_text(p)}" for v, p in rule["prices"].items())
        text = gettext("By the answer to %(field)s (%(prices)s)") % {
            "field": _label(definition, rule["field"]),
            "prices": prices,
        }
    else:
        text = gettext("%(percent)s%% off the lines above") % {"percent": rule["percent"]}
    when = rule.get("when")
    simple = simple_condition(when)
    if simple:
        text += gettext(", when the answer to %(simple)s is ‘%(answer)s’") % {
            "simple": _label(definition, simple[0]),
            "answer": simple[1],
        }
    elif when:
        text += gettext(", when its condition holds")
    return text


def fee_rules_fields(rules: list[Rule]) -> list[str]:
    """The questions the rules read (their fields and conditions), in the order first read."""
    found: list[str] = []

    def walk(condition: dict[str, Any]) -> None:
        for key in ("all", "any"):
            for part in condition.get(key, []):
                walk(part)
        if "not" in condition:
            walk(condition["not"])
        if "field" in condition:
            found.append(condition["field"])

    for rule in rules:
        if rule.get("field"):
            found.append(rule["field"])
        if isinstance(rule.get("when"), dict):
            walk(rule["when"])
    return list(dict.fromkeys(found))


def try_answers(definition: dict[str, Any] | None, typed: dict[str, list[str]]) -> dict[str, Any]:
    """Answers as the form would keep them, from what was typed in the "Try it" box
    (`typed`: each question's values): numbers as numbers, checkboxes as a list."""
    answers: dict[str, Any] = {}
    for question in _questions(definition):
        values = [v.strip() for v in typed.get(question["name"], []) if v.strip()]
        if not values:
            continue
        if question["type"] == "checkboxes":
            answers[question["name"]] = values
        elif question["type"] == "number":
            try:
                number = float(values[0])
            except ValueError:
                continue
            answers[question["name"]] = int(number) if number.is_integer() else number
        else:
            answers[question["name"]] = values[0]
    return answers
