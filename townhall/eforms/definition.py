"""Form definitions are data: validated against a JSON Schema, then checked for meaning."""

import json
import re
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).with_name("form_schema.json")
CHOICE_TYPES = {"radios", "checkboxes", "select"}
CHECK_ANSWERS = "check"
# A quantified group holding a quantifier, like (a+)+: it can take exponential time to fail
# on a long answer (catastrophic backtracking), so a designer's pattern may not have one.
NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)[+*{]")


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


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


def definition_errors(definition: dict) -> list[str]:
    """Every reason a definition cannot be published; empty when it is sound."""
    errors = [
        f"{'/'.join(str(p) for p in error.absolute_path) or 'form'}: {error.message}"
        for error in _validator().iter_errors(definition)
    ]
    if errors:
        return errors
    page_ids = [page["id"] for page in definition["pages"]]
    if len(set(page_ids)) != len(page_ids):
        errors.append("Page ids must be unique.")
    if CHECK_ANSWERS in page_ids:
        errors.append(f"'{CHECK_ANSWERS}' is reserved for the check-your-answers page.")
    seen_fields: set[str] = set()
    for page in definition["pages"]:
        for condition in [page.get("show_if")] if page.get("show_if") else []:
            for name in condition_fields(condition):
                if name not in seen_fields:
                    errors.append(f"Page '{page['id']}' shows on '{name}', not asked before it.")
        for field in page["fields"]:
            if field["name"] in seen_fields:
                errors.append(f"Field '{field['name']}' is defined twice.")
            seen_fields.add(field["name"])
            problem = pattern_problem(field["pattern"]) if field.get("pattern") else ""
            if problem:
                errors.append(f"Field '{field['name']}' has a pattern that is {problem}.")
            if field["type"] in CHOICE_TYPES:
                values = [option["value"] for option in field.get("options", [])]
                if not values:
                    errors.append(f"Field '{field['name']}' needs options.")
                if len(set(values)) != len(values):
                    errors.append(f"Field '{field['name']}' has repeated option values.")
        for branch in page.get("next", []):
            if branch["goto"] not in page_ids and branch["goto"] != CHECK_ANSWERS:
                errors.append(f"Page '{page['id']}' goes to unknown page '{branch['goto']}'.")
            for name in (
                condition_fields(branch.get("when", {"all": []})) if "when" in branch else []
            ):
                if name not in seen_fields:
                    errors.append(f"Page '{page['id']}' branches on '{name}', not asked yet.")
    summary = definition.get("summary_field")
    if summary and summary not in seen_fields:
        errors.append(f"summary_field '{summary}' is not a field of the form.")
    return errors
