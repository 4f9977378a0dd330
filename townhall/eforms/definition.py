"""Form definitions are data: validated against a JSON Schema, then checked for meaning."""

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).with_name("form_schema.json")
CHOICE_TYPES = {"radios", "checkboxes", "select"}
CHECK_ANSWERS = "check"


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
    outcome_ids = [outcome["id"] for outcome in definition.get("outcomes", [])]
    if len(set(outcome_ids)) != len(outcome_ids):
        errors.append("Outcome ids must be unique.")
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
            if field["type"] in CHOICE_TYPES:
                values = [option["value"] for option in field.get("options", [])]
                if not values:
                    errors.append(f"Field '{field['name']}' needs options.")
                if len(set(values)) != len(values):
                    errors.append(f"Field '{field['name']}' has repeated option values.")
        for branch in page.get("next", []):
            goto = branch.get("goto")
            if goto is not None and goto not in page_ids and goto != CHECK_ANSWERS:
                errors.append(f"Page '{page['id']}' goes to unknown page '{goto}'.")
            if "outcome" in branch and branch["outcome"] not in outcome_ids:
                errors.append(f"Page '{page['id']}' ends on unknown outcome '{branch['outcome']}'.")
            for name in (
                condition_fields(branch.get("when", {"all": []})) if "when" in branch else []
            ):
                if name not in seen_fields:
                    errors.append(f"Page '{page['id']}' branches on '{name}', not asked yet.")
    summary = definition.get("summary_field")
    if summary and summary not in seen_fields:
        errors.append(f"summary_field '{summary}' is not a field of the form.")
    return errors


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
