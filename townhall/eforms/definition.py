"""Form definitions are data: validated against a JSON Schema, then checked for meaning."""

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from townhall.eforms.lookups import lookup_get

SCHEMA_PATH = Path(__file__).with_name("form_schema.json")
CHOICE_TYPES = {"radios", "checkboxes", "select"}
CHECK_ANSWERS = "check"
# A quantified group holding a quantifier, like (a+)+: it can take exponential time to fail
# on a long answer (catastrophic backtracking), so a designer's pattern may not have one.
NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)[+*{]")


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


def definition_schema_errors(definition: object) -> list[SchemaError]:
    """Where a definition breaks its JSON Schema, in the order of the file."""
    return sorted(_validator().iter_errors(definition), key=lambda e: list(map(str, e.path)))


def condition_fields(condition: dict) -> list[str]:
    """The names of the answers a condition reads (through `not`, `all` and `any`)."""
    if "field" in condition:
        return [condition["field"]]
    if "not" in condition:
        return condition_fields(condition["not"])
    return [
        name
        for part in condition.get("all", condition.get("any", []))
        for name in condition_fields(part)
    ]


def pattern_problem(pattern: str) -> str:
    """Why a designer's answer pattern cannot be used ("" when it can)."""
    try:
        re.compile(pattern)
    except re.error as error:
        return f"not a valid regular expression: {error}"
    if NESTED_QUANTIFIER.search(pattern):
        return "a repeated group that itself repeats, like (a+)+, can be too slow: simplify it"
    return ""


def definition_problems(definition: dict) -> list[tuple[str, str]]:
    """Every reason a definition that passes its schema cannot be published, each with the
    JSON pointer of its place in the definition (`/pages/2/next/0/goto`); empty when it is
    sound. Check the schema first (`definition_schema_errors`): this reads the shape it
    promises."""
    problems: list[tuple[str, str]] = []
    pages = definition["pages"]
    page_ids = [page["id"] for page in pages]
    for index, page_id in enumerate(page_ids):
        if page_id in page_ids[:index]:
            problems.append(
                (
                    f"/pages/{index}/id",
                    f"An earlier page already has the id '{page_id}': each page needs its own id.",
                )
            )
        if page_id == CHECK_ANSWERS:
            problems.append(
                (f"/pages/{index}/id", f"'{CHECK_ANSWERS}' is kept for the check-answers page.")
            )
    outcome_ids = [outcome["id"] for outcome in definition.get("outcomes", [])]
    for index, outcome_id in enumerate(outcome_ids):
        if outcome_id in outcome_ids[:index]:
            problems.append(
                (
                    f"/outcomes/{index}/id",
                    f"An earlier outcome already has the id '{outcome_id}': each needs its own id.",
                )
            )
    asked: set[str] = set()
    kinds: dict[str, str] = {}  # the type of each question asked so far
    for index, page in enumerate(pages):
        where = f"/pages/{index}"
        for name in condition_fields(page["show_if"]) if page.get("show_if") else []:
            if name not in asked:
                problems.append(
                    (
                        f"{where}/show_if",
                        f"Page '{page['id']}' shows depending on the answer to '{name}', "
                        "which no page before it asks.",
                    )
                )
        for number, field in enumerate(page["fields"]):
            place, name = f"{where}/fields/{number}", field["name"]
            if name in asked:
                problems.append(
                    (
                        f"{place}/name",
                        f"Two questions have the id '{name}': each question needs its own id.",
                    )
                )
            asked.add(name)
            kinds[name] = field["type"]
            if field["type"] == "slot":
                problems += slot_question_problems(field, kinds, place)
            problem = pattern_problem(field["pattern"]) if field.get("pattern") else ""
            if problem:
                problems.append(
                    (f"{place}/pattern", f"The question '{name}' has a pattern that is {problem}.")
                )
            if field["type"] in CHOICE_TYPES:
                values = [option["value"] for option in field.get("options", [])]
                if not values:
                    problems.append((place, f"The question '{name}' needs options to choose from."))
                if len(set(values)) != len(values):
                    problems.append(
                        (f"{place}/options", f"The question '{name}' has two options of one value.")
                    )
        problems += _lookup_problems(page, where, asked)
        for number, branch in enumerate(page.get("next", [])):
            place = f"{where}/next/{number}"
            if "goto" in branch and branch["goto"] not in page_ids + [CHECK_ANSWERS]:
                problems.append(
                    (
                        f"{place}/goto",
                        f"Page '{page['id']}' goes to page '{branch['goto']}', which is not in "
                        "the form (removed or renamed?).",
                    )
                )
            if "outcome" in branch and branch["outcome"] not in outcome_ids:
                problems.append(
                    (
                        f"{place}/outcome",
                        f"Page '{page['id']}' ends on the outcome '{branch['outcome']}', which "
                        "is not in the form (removed or renamed?).",
                    )
                )
            for name in condition_fields(branch["when"]) if "when" in branch else []:
                if name not in asked:
                    problems.append(
                        (
                            f"{place}/when",
                            f"Page '{page['id']}' branches on the answer to '{name}', which is "
                            "not asked on this page or before it.",
                        )
                    )
    summary = definition.get("summary_field")
    if summary and summary not in asked:
        problems.append(
            ("/summary_field", f"The summary question '{summary}' is not a question of the form.")
        )
    return problems


def slot_question_problems(field: dict, kinds: dict[str, str], place: str) -> list[tuple[str, str]]:
    """A slot question offers the dates of the area of an address asked before it, and
    books as many places as a number asked before it says (or one)."""
    name, problems = field["name"], []
    address = field.get("address_field")
    if address and kinds.get(address) != "address":
        problems.append(
            (
                f"{place}/address_field",
                f"The date question '{name}' reads the address '{address}', which is not an "
                "address question before it.",
            )
        )
    elif not address and "address" not in kinds.values():
        problems.append(
            (
                place,
                f"The date question '{name}' needs an address question before it: the dates "
                "offered are those of the address's area.",
            )
        )
    units = field.get("units_field")
    if units and kinds.get(units) != "number":
        problems.append(
            (
                f"{place}/units_field",
                f"The date question '{name}' counts places by '{units}', which is not a "
                "number question before it.",
            )
        )
    return problems


def _lookup_problems(page: dict, where: str, asked: set[str]) -> list[tuple[str, str]]:
    """A page's lookup must be installed and read questions already asked; its outputs
    count as asked from this page on (added to `asked`)."""
    spec = page.get("lookup")
    if not spec:
        return []
    lookup = lookup_get(spec["name"])
    if lookup is None:
        return [
            (
                f"{where}/lookup/name",
                f"Page '{page['id']}' uses the lookup '{spec['name']}', which is not installed.",
            )
        ]
    problems = []
    given = spec.get("answers", {})
    for name in given:
        if name not in lookup.inputs:
            problems.append(
                (
                    f"{where}/lookup/answers/{name}",
                    f"The lookup '{lookup.name}' takes no '{name}' (it takes "
                    f"{', '.join(lookup.inputs)}).",
                )
            )
    for name in lookup.inputs:
        question = given.get(name, name)
        if question not in asked:
            problems.append(
                (
                    f"{where}/lookup/answers",
                    f"The lookup '{lookup.name}' on page '{page['id']}' reads '{question}' "
                    f"for its {name}, which is not asked on this page or before it.",
                )
            )
    asked.update(lookup.outputs)
    return problems


def definition_errors(definition: dict) -> list[str]:
    """Every reason a definition cannot be published; empty when it is sound."""
    schema_errors = definition_schema_errors(definition)
    if schema_errors:
        return [
            f"{'/'.join(str(p) for p in error.absolute_path) or 'form'}: {error.message}"
            for error in schema_errors
        ]
    return [message for _, message in definition_problems(definition)]


def page_targets(pages: list[dict], index: int) -> set[str]:
    """Where a person can go after page `index` (-1: the start), whatever they answer: the
    branches tried up to the first one without a condition (later ones never apply), and,
    when every branch has a condition, the following pages in order: each page that may
    be skipped (`show_if`) up to the first that cannot, or check answers after the last."""
    targets: set[str] = set()
    for branch in pages[index].get("next", []) if index >= 0 else []:
        if branch.get("goto"):
            targets.add(branch["goto"])
        if "when" not in branch:
            return targets  # an unconditional branch: the order of pages never applies
    for later in pages[index + 1 :]:
        targets.add(later["id"])
        if not later.get("show_if"):
            return targets
    targets.add(CHECK_ANSWERS)
    return targets


def pages_unreachable(pages: list[dict]) -> list[int]:
    """The indexes of the pages no route from the start reaches, following every branch
    and the order of pages (a `show_if` page may be skipped, but it is reachable)."""
    index = {page["id"]: i for i, page in enumerate(pages)}
    seen: set[int] = set()
    stack = [-1]
    while stack:
        for target in page_targets(pages, stack.pop()):
            found = index.get(target)
            if found is not None and found not in seen:
                seen.add(found)
                stack.append(found)
    return [i for i in range(len(pages)) if i not in seen]


def eligibility_errors(definition: dict) -> list[str]:
    """Why a sound definition cannot be an eligibility checker's: every route must end on an
    outcome (nothing is ever sent, so no check-answers page), and nothing personal is asked
    for (no contact details, no files). Each reason starts with its place in the
    definition, as a JSON pointer."""
    errors = []
    if not definition.get("outcomes"):
        errors.append("/outcomes: an eligibility checker needs at least one outcome")
    if definition.get("contact"):
        errors.append("/contact: an eligibility checker keeps no personal data: no contact details")
    pages = definition["pages"]
    for index, page in enumerate(pages):
        for number, field in enumerate(page["fields"]):
            if field["type"] == "file":
                errors.append(
                    f"/pages/{index}/fields/{number}/type: an eligibility checker keeps no files"
                )
        for number, branch in enumerate(page.get("next", [])):
            if branch.get("goto") == CHECK_ANSWERS:
                errors.append(
                    f"/pages/{index}/next/{number}/goto: an eligibility checker ends on an "
                    "outcome, never on check answers"
                )
    last = pages[-1]
    if last.get("show_if") or not any(
        "outcome" in branch and "when" not in branch for branch in last.get("next", [])
    ):
        errors.append(
            f"/pages/{len(pages) - 1}/next: the last page of an eligibility checker must always "
            "end on an outcome (a branch with `outcome` and no `when`), and always be shown"
        )
    return errors


def definition_in_language(definition: Any, language: str) -> Any:
    """The form definition as a resident in `language` sees it: in Welsh, every designer text
    with a non-empty `<key>_cy` sibling (titles, labels, hints, options, errors, outcomes,
    start and check texts) replaced by it; English where the Welsh is empty. Values and names
    are never translated, so answers are the same in both languages."""
    if language != "cy":
        return definition
    if isinstance(definition, list):
        return [definition_in_language(item, language) for item in definition]
    if not isinstance(definition, dict):
        return definition
    shown = {key: definition_in_language(value, language) for key, value in definition.items()}
    for key, value in definition.items():
        if key.endswith("_cy") and value not in (None, "", []):
            shown[key.removesuffix("_cy")] = shown[key]
    return shown
