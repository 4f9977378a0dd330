"""Fees worked out from a form's answers: a service's rule table, read in order.

A service either charges one flat fee (`Service.fee_pence`) or lists fee rules
(`Service.fee_rules`, written in its service file): each rule adds a line to the fee, with a
label the resident sees on check answers (English `label`, Welsh `label_cy`, which may be
empty). The rules, by `kind`:

- `fixed`: `pence`, always (a booking's base price).
- `per_item`: `pence` for each item counted from `field`, a whole-number question (its
  answer) or checkboxes (the options ticked, leaving out `exclusive` ones such as "None of
  these"). The first `included` items (default 0) are not charged by this rule, so "£35 for
  up to 3 items, then £8 each" is a `fixed` 3500 and a `per_item` 800 with `included: 3`.
  An optional `cap_pence` is the most the line charges.
- `per_option`: `prices` maps option values of `field` (radios, select, yes/no or
  checkboxes) to pence; the line is the price of the option chosen, or the sum of the
  options ticked.
- `discount`: `percent` (1 to 100) off the total of the lines above it, when its `when`
  condition holds (a concession answered "yes" halves the fee).

Any rule may have a `when` condition (the format of page conditions,
`townhall/eforms/conditions.py`): a rule whose condition fails adds nothing. Lines that come
to nothing are left out. Money is whole pence throughout; a discount is rounded half up to
the penny (50% of 105p takes 53p off). The total is never below zero.

Everything here is pure (no database): the server works the fee out on check answers and
again when the form is sent, and keeps that with the submission
(`eforms.services.submission_submit`), so a later change of rules never changes the fee of a
request already made. `fee_rules_problems` is what the service builder and the service-file
import check a rule table with, against the form it reads.
"""

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from townhall.eforms.conditions import condition_holds
from townhall.eforms.definition import CHOICE_TYPES

SCHEMA_PATH = Path(__file__).with_name("fee_rules_schema.json")
FIXED, PER_ITEM, PER_OPTION, DISCOUNT = "fixed", "per_item", "per_option", "discount"
# Conditions whose value names an option of the question they read.
OPTION_OPS = {"eq", "ne", "in", "not_in", "contains"}
YES_NO = ["yes", "no"]


@dataclass(frozen=True)
class FeeLine:
    """One line of a fee as the resident sees it; a discount's pence are negative."""

    label: str
    pence: int
    label_cy: str = ""

    def label_in(self, language: str) -> str:
        """The label in `language` ("cy" or "en"), English when there is no Welsh."""
        return self.label_cy if language.startswith("cy") and self.label_cy else self.label

    def as_data(self) -> dict[str, Any]:
        return {"label": self.label, "label_cy": self.label_cy, "pence": self.pence}


@dataclass(frozen=True)
class FeeQuote:
    """A fee worked out: its lines in the order of the rules, and the total to pay."""

    lines: list[FeeLine] = field(default_factory=list)
    total_pence: int = 0

    def lines_data(self) -> list[dict[str, Any]]:
        """The lines as JSON, to keep with a submission."""
        return [line.as_data() for line in self.lines]


@lru_cache(maxsize=1)
def fee_rules_schema() -> dict[str, Any]:
    """The JSON Schema of a rule table (the service file's `fee_rules` holds a copy)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(fee_rules_schema())


def _percent_of(pence: int, percent: int) -> int:
    """`percent` of `pence`, rounded half up to the penny (both whole and not negative)."""
    return (pence * percent + 50) // 100


def _item_count(answer: Any) -> int:
    if isinstance(answer, bool) or answer is None:
        return 0
    if isinstance(answer, list):
        return len(answer)
    if isinstance(answer, int | float):
        return max(int(answer), 0)
    return 0


def _per_item_pence(rule: dict[str, Any], answers: dict[str, Any], exclusive: set[str]) -> int:
    answer = answers.get(rule["field"])
    if isinstance(answer, list):
        answer = [value for value in answer if value not in exclusive]
    charged = max(_item_count(answer) - rule.get("included", 0), 0) * rule["pence"]
    cap = rule.get("cap_pence")
    return charged if cap is None else min(charged, cap)


def _per_option_pence(rule: dict[str, Any], answers: dict[str, Any]) -> int:
    answer = answers.get(rule["field"])
    chosen = answer if isinstance(answer, list) else [answer]
    return sum(rule["prices"].get(value, 0) for value in chosen if isinstance(value, str))


def fee_work_out(
    rules: list[dict[str, Any]], answers: dict[str, Any], definition: dict[str, Any] | None = None
) -> FeeQuote:
    """The fee `rules` charge for `answers` (the answers on the route taken: those of pages
    skipped must not count). With the form's `definition`, checkbox options marked
    `exclusive` ("None of these") are not counted as items. The rules are trusted to have
    passed `fee_rules_problems`."""
    exclusive_options = _exclusive_options(definition)
    lines: list[FeeLine] = []
    running = 0
    for rule in rules:
        if "when" in rule and not condition_holds(rule["when"], answers):
            continue
        kind = rule["kind"]
        if kind == FIXED:
            pence = rule["pence"]
        elif kind == PER_ITEM:
            exclusive = exclusive_options.get(rule["field"], set())
            pence = _per_item_pence(rule, answers, exclusive)
        elif kind == PER_OPTION:
            pence = _per_option_pence(rule, answers)
        elif kind == DISCOUNT:
            pence = -_percent_of(running, rule["percent"])
        else:
            raise ValueError(f"Unknown fee rule kind {kind!r}")
        if pence:
            label_cy = rule.get("label_cy", "")
            lines.append(FeeLine(label=rule["label"], pence=pence, label_cy=label_cy))
            running += pence
    return FeeQuote(lines=lines, total_pence=max(running, 0))


def _exclusive_options(definition: dict[str, Any] | None) -> dict[str, set[str]]:
    """Per checkbox question of a form, its options that are not items (`exclusive`)."""
    return {
        question["name"]: {o["value"] for o in question.get("options", []) if o.get("exclusive")}
        for question in _questions(definition).values()
        if question["type"] == "checkboxes"
    }


def _questions(definition: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    if not definition:
        return {}
    return {
        question["name"]: question
        for page in definition.get("pages", [])
        for question in page.get("fields", [])
    }


def _option_values(question: dict[str, Any]) -> list[str]:
    if question["type"] == "yesno":
        return YES_NO
    return [option["value"] for option in question.get("options", [])]


def _pointer(path: Any) -> str:
    return "".join(f"/{part}" for part in path)


def _condition_problems(
    condition: dict[str, Any], questions: dict[str, dict[str, Any]], where: str
) -> list[str]:
    for key in ("all", "any"):
        if key in condition:
            return [
                problem
                for index, part in enumerate(condition[key])
                for problem in _condition_problems(part, questions, f"{where}/{key}/{index}")
            ]
    if "not" in condition:
        return _condition_problems(condition["not"], questions, f"{where}/not")
    name = condition["field"]
    question = questions.get(name)
    if question is None:
        return [f"{where}/field: the form asks no question '{name}'"]
    if question["type"] not in CHOICE_TYPES | {"yesno"} or condition["op"] not in OPTION_OPS:
        return []
    target = condition.get("value")
    values = target if isinstance(target, list) else [target]
    known = _option_values(question)
    return [
        f"{where}/value: '{value}' is not an option of '{name}' ({', '.join(known)})"
        for value in values
        if value not in known
    ]


def _rule_problems(
    rule: dict[str, Any], questions: dict[str, dict[str, Any]], where: str
) -> list[str]:
    problems: list[str] = []
    name = rule.get("field")
    question = questions.get(name) if name else None
    if name and question is None:
        problems.append(f"{where}/field: the form asks no question '{name}'")
    elif question is not None and rule["kind"] == PER_ITEM:
        whole_number = question["type"] == "number" and question.get("integer")
        if not whole_number and question["type"] != "checkboxes":
            problems.append(
                f"{where}/field: '{name}' is a {question['type']} question; items are counted "
                "from a whole-number question (integer: true) or checkboxes"
            )
    elif question is not None and rule["kind"] == PER_OPTION:
        if question["type"] not in CHOICE_TYPES | {"yesno"}:
            problems.append(
                f"{where}/field: '{name}' is a {question['type']} question; prices are given "
                "for the options of radios, select, yes/no or checkboxes"
            )
        else:
            known = _option_values(question)
            problems += [
                f"{where}/prices/{value}: '{value}' is not an option of '{name}' "
                f"({', '.join(known)})"
                for value in rule["prices"]
                if value not in known
            ]
    if "when" in rule:
        problems += _condition_problems(rule["when"], questions, f"{where}/when")
    return problems


def _likeliest(error: ValidationError) -> ValidationError:
    """A condition is one of several shapes: rather than "not valid under any", the reason
    found deepest in the shapes it tried (`op: 'zz' is not one of ...`)."""
    if error.validator != "oneOf" or not error.context:
        return error
    deepest = max(len(e.relative_path) for e in error.context)
    return best_match(e for e in error.context if len(e.relative_path) == deepest) or error


def fee_rules_problems(
    rules: Any, definition: dict[str, Any] | None, *, base: str = "/fee_rules"
) -> list[str]:
    """Every reason a rule table cannot be used with the form `definition` (None: the
    service has no form), each named by its place (`/fee_rules/2/field: ...`): a rule not
    shaped as the schema says, one reading a question the form does not ask or one of the
    wrong type, a price or condition naming an option the question does not have. Empty
    when the rules are sound."""
    errors = sorted(_validator().iter_errors(rules), key=lambda e: list(map(str, e.path)))
    shape = [
        f"{base}{_pointer(error.absolute_path)}: {error.message}"
        for error in map(_likeliest, errors)
    ]
    if shape:
        return shape
    questions = _questions(definition)
    return [
        problem
        for index, rule in enumerate(rules)
        for problem in _rule_problems(rule, questions, f"{base}/{index}")
    ]
