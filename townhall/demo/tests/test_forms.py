"""Every demo form definition (in its service file) is valid data that the form engine can
walk."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from townhall.catalogue.tests.walk import lookup_specs
from townhall.demo.council import (
    DEMO_CASES_PER_SIX_MONTHS,
    DEMO_SERVICES_DIR,
    demo_form_definition,
    demo_service_data,
)
from townhall.eforms.definition import condition_fields

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "eforms" / "form_schema.json"
SERVICE_FILES = sorted(DEMO_SERVICES_DIR.glob("*.yaml"))
# An information service (an advice page) has no form.
FORM_FILES = [path for path in SERVICE_FILES if demo_service_data(path.stem)["form"] is not None]


def _definition(path: Path) -> dict:
    return demo_form_definition(path.stem)


def _leaf_conditions(condition: dict) -> list[dict]:
    if "field" in condition:
        return [condition]
    if "not" in condition:
        return _leaf_conditions(condition["not"])
    return [
        leaf
        for part in condition.get("all", condition.get("any", []))
        for leaf in _leaf_conditions(part)
    ]


def test_each_demo_service_file_is_named_by_its_slug_and_has_a_case_history_share():
    assert len(SERVICE_FILES) == 17
    assert len(FORM_FILES) == 16
    assert [demo_service_data(path.stem)["slug"] for path in SERVICE_FILES] == [
        path.stem for path in SERVICE_FILES
    ]
    assert {path.stem for path in SERVICE_FILES} == set(DEMO_CASES_PER_SIX_MONTHS)


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda path: path.stem)
def test_demo_form_is_valid_against_the_schema(path):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema).iter_errors(_definition(path)))
    assert errors == [], [error.message for error in errors]


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda path: path.stem)
def test_demo_form_pages_and_fields_are_consistent(path):
    definition = _definition(path)
    pages = definition["pages"]
    page_ids = [page["id"] for page in pages]
    assert len(set(page_ids)) == len(page_ids), "page ids must be unique"
    field_names = [field["name"] for page in pages for field in page["fields"]]
    assert len(set(field_names)) == len(field_names), "field names must be unique"
    if "summary_field" in definition:
        assert definition["summary_field"] in field_names

    earlier: set[str] = set()
    for index, page in enumerate(pages):
        on_this_page = {field["name"] for field in page["fields"]}
        # What the page's lookup finds is answered on the page too (eforms.lookups).
        on_this_page |= {spec["name"] for spec in lookup_specs(page.get("lookup"))}
        # A page is shown or skipped before it is answered, so show_if looks strictly back.
        for name in condition_fields(page.get("show_if", {"all": []})):
            assert name in earlier, f"{page['id']}: show_if on {name}, not an earlier page"
        for branch in page.get("next", []):
            goto = branch.get("goto", "check")  # an outcome ends the journey like sending
            assert goto == "check" or goto in page_ids, f"{page['id']}: goto {goto}"
            if goto != "check":
                assert page_ids.index(goto) > index, f"{page['id']}: goto {goto} goes back"
            # Branches are tried after the page is answered: its own fields count as earlier.
            for name in condition_fields(branch.get("when", {"all": []})):
                assert name in earlier | on_this_page, f"{page['id']}: next on unknown {name}"
        if len(page["fields"]) > 1:
            assert page.get("title"), f"{page['id']}: a page with several fields needs a title"
        for field in page["fields"]:
            values = [option["value"] for option in field.get("options", [])]
            assert len(set(values)) == len(values), f"{field['name']}: option values repeat"
            if field["type"] in {"radios", "checkboxes", "select"}:
                assert values, f"{field['name']}: needs options"
        earlier |= on_this_page


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda path: path.stem)
def test_demo_form_conditions_compare_with_values_the_field_can_hold(path):
    pages = _definition(path)["pages"]
    fields = {field["name"]: field for page in pages for field in page["fields"]}
    fields |= {spec["name"]: spec for page in pages for spec in lookup_specs(page.get("lookup"))}
    conditions = [page["show_if"] for page in pages if "show_if" in page] + [
        branch["when"] for page in pages for branch in page.get("next", []) if "when" in branch
    ]
    for leaf in (leaf for condition in conditions for leaf in _leaf_conditions(condition)):
        field = fields[leaf["field"]]
        values = {option["value"] for option in field.get("options", [])}
        if field["type"] == "yesno":
            values = {"yes", "no"}
        if leaf["op"] in {"in", "not_in"}:
            assert isinstance(leaf["value"], list)
        if values and leaf["op"] in {"eq", "ne", "contains", "in", "not_in"}:
            wanted = leaf["value"] if isinstance(leaf["value"], list) else [leaf["value"]]
            assert set(wanted) <= values, f"{leaf['field']}: {wanted} not among {values}"
        if leaf["op"] in {"gt", "gte", "lt", "lte"}:
            assert field["type"] == "number"
        if leaf["op"] in {"before", "after"}:
            assert field["type"] == "date"


def test_demo_forms_branch_on_a_number_and_on_a_date():
    ops = {
        leaf["op"]
        for path in FORM_FILES
        for page in _definition(path)["pages"]
        for branch in page.get("next", [])
        if "when" in branch
        for leaf in _leaf_conditions(branch["when"])
    }
    assert {"gt", "before", "contains", "eq"} <= ops
