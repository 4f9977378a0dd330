"""Bad input in a service file (issue 16): a malformed file gets a clear error naming each
field and changes nothing; oversized texts are refused; texts carrying markup or scripts are
shown as the words they are, escaped, wherever residents see them."""

import json
import re

import pytest
import yaml
from django.urls import reverse

from townhall.builder.exchange import SCHEMA_PATH, ServiceFileInvalid, service_file_dump
from townhall.builder.services import service_import
from townhall.builder.tests.conftest import fly_tipping_data, import_state
from townhall.eforms.definition import SCHEMA_PATH as FORM_SCHEMA_PATH

pytestmark = pytest.mark.django_db


def _refused(data: dict) -> list[str]:
    state = import_state()
    with pytest.raises(ServiceFileInvalid) as caught:
        service_import(text=service_file_dump(data))
    assert import_state() == state, "a refused import wrote something"
    return caught.value.reasons


def test_a_malformed_question_is_refused_naming_each_field_and_changes_nothing(demo):
    data = fly_tipping_data(demo)
    pages = data["form"]["definition"]["pages"]
    question = pages[1]["fields"][0]
    question["required"] = "yes"
    question["options"][0]["label"] = 7
    question["colour"] = "red"
    pages[1]["next"][0]["when"] = {"field": "waste_types", "op": "sounds_like", "value": "x"}
    pages[3]["next"][0]["when"] = {"any": [{"field": "amount"}]}
    pages[4]["fields"] = "seen_who"
    pages[5]["fields"][0]["type"] = "hologram"
    assert _refused(data) == [
        "/form/definition/pages/1/fields/0/colour: is not a field here (allowed: name, type, "
        "label, hint, required, max_length, min, max, integer, suffix, date_range, options, "
        "max_files, accept, prefill, autocomplete, open311_description, error_name, label_cy, "
        "hint_cy, min_length, pattern, pattern_error, pattern_error_cy, suffix_cy, error_name_cy, "
        "address_field, units_field)",
        "/form/definition/pages/1/fields/0/options/0/label: 7 is not of type 'string'",
        "/form/definition/pages/1/fields/0/required: 'yes' is not of type 'boolean'",
        "/form/definition/pages/1/next/0/when/op: 'sounds_like' is not one of ['eq', 'ne', "
        "'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'contains', 'answered', 'not_answered', "
        "'matches', 'before', 'after']",
        "/form/definition/pages/3/next/0/when/any/0/op: is missing (required)",
        "/form/definition/pages/4/fields: 'seen_who' is not of type 'array'",
        "/form/definition/pages/5/fields/0/type: 'hologram' is not one of ['text', 'textarea', "
        "'number', 'email', 'phone', 'date', 'radios', 'checkboxes', 'select', 'yesno', "
        "'address', 'location', 'file', 'declaration', 'slot']",
    ]


def test_a_form_that_is_not_a_mapping_is_refused_by_its_pointer(demo):
    data = fly_tipping_data(demo)
    data["form"]["definition"] = ["pages"]
    assert _refused(data) == ["/form/definition: ['pages'] is not of type 'object'"]


# ----------------------------------------------------------------------------------------
# Oversized texts


OVERSIZED = {
    "/name/en": 120,
    "/summary/en": 300,
    "/description/en": 20000,
    "/keywords/en": 300,
    "/form/definition/title": 120,
    "/form/definition/start/body/0": 2000,
    "/form/definition/start/before_you_start/0": 500,
    "/form/definition/confirmation/0": 1000,
    "/form/definition/pages/2/title": 200,
    "/form/definition/pages/2/intro/0": 1000,
    "/form/definition/pages/1/fields/0/label": 300,
    "/form/definition/pages/1/fields/0/hint": 500,
    "/form/definition/pages/1/fields/0/error_name": 120,
    "/form/definition/pages/1/fields/0/options/0/label": 200,
    "/form/definition/pages/1/fields/0/options/0/hint": 300,
}


def _set(data: dict, pointer: str, value: str) -> None:
    *path, last = [int(p) if p.isdigit() else p for p in pointer.strip("/").split("/")]
    for part in path:
        data = data[part]
    data[last] = value


def test_every_oversized_designer_text_is_refused_by_its_pointer(demo):
    data = fly_tipping_data(demo)
    for pointer, limit in OVERSIZED.items():
        _set(data, pointer, "<b>Too long</b> " + "x" * limit)
    reasons = _refused(data)
    for pointer, limit in OVERSIZED.items():
        assert any(
            r.startswith(f"{pointer}: '<b>Too long</b> ")
            and r.endswith(f"characters; at most {limit:,})")
            for r in reasons
        ), pointer


def _strings_without_limit(node: object, where: str = "") -> list[str]:
    if isinstance(node, list):
        return [w for i, item in enumerate(node) for w in _strings_without_limit(item, where)]
    if not isinstance(node, dict):
        return []
    found = []
    if node.get("type") == "string" and "maxLength" not in node:
        found.append(where)
    for key, child in node.items():
        found += _strings_without_limit(child, f"{where}/{key}")
    return found


@pytest.mark.parametrize("path", [SCHEMA_PATH, FORM_SCHEMA_PATH], ids=lambda p: p.name)
def test_every_text_of_a_service_file_has_a_length_limit(path):
    assert _strings_without_limit(json.loads(path.read_text(encoding="utf-8"))) == []


# ----------------------------------------------------------------------------------------
# Script-laden texts: shown escaped


SCRIPT = '<script>alert("boo")</script>'
JS_LINK = '<a href="javascript:alert(1)">Click</a>'
ONERROR = "<img src=x onerror=alert(1)>"
# The page's own scripts aside, none of these may reach the HTML as markup.
RAW = [SCRIPT, JS_LINK, ONERROR, "<script>alert", "<img src=x", 'href="javascript:']


def _laden(text: str) -> str:
    return f"{text} {SCRIPT} {JS_LINK} {ONERROR}"


SCRIPT_LADEN = {
    "format_version": 1,
    "slug": "report-a-leaky-pipe",
    "name": {"en": f"Report a leaky pipe {SCRIPT}"},
    "summary": {"en": _laden("Tell us about a leak.")},
    "description": {"en": _laden("Leaks waste water.")},
    "keywords": {"en": _laden("pipe, leak")},
    "department": "water",
    "reference_prefix": "LP",
    "organisation": {"departments": [{"slug": "water", "name": f"Water {SCRIPT}"}]},
    "form": {
        "definition": {
            "title": _laden("Report a leaky pipe"),
            "start": {
                "body": [_laden("Use this service to report a leak.")],
                "before_you_start": [_laden("Find the stopcock.")],
            },
            "pages": [
                {
                    "id": "where",
                    "title": _laden("Where is it"),
                    "intro": [_laden("Look around.")],
                    "fields": [
                        {
                            "name": "where",
                            "type": "text",
                            "label": _laden("Where is the leak?"),
                            "hint": _laden("For example, the kitchen."),
                            "error_name": _laden("where"),
                            "required": True,
                        }
                    ],
                },
                {
                    "id": "how-bad",
                    "fields": [
                        {
                            "name": "how_bad",
                            "type": "radios",
                            "label": _laden("How bad is it?"),
                            "hint": _laden("Choose one."),
                            "required": True,
                            "options": [
                                {"value": "drip", "label": _laden("A drip"), "hint": _laden("!")},
                                {"value": "flood", "label": _laden("A flood")},
                            ],
                        }
                    ],
                },
            ],
            "confirmation": [_laden("Thank you.")],
        }
    },
}


def _shown_escaped(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    for raw in RAW:
        assert raw not in html, raw
    assert "&lt;script&gt;alert(&quot;boo&quot;)&lt;/script&gt;" in html
    return html


def test_markup_and_scripts_in_designer_texts_are_shown_escaped_on_the_portal(client):
    service_import(text=yaml.safe_dump(SCRIPT_LADEN))
    start = _shown_escaped(
        client.get(reverse("portal:service_start", args=["report-a-leaky-pipe"]))
    )
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;Click&lt;/a&gt;" in start
    assert "&lt;img src=x onerror=alert(1)&gt;" in start

    page = client.post(reverse("portal:form_begin", args=["report-a-leaky-pipe"]))["Location"]
    assert page.endswith("/where/")
    _shown_escaped(client.get(page))
    refused = _shown_escaped(client.post(page, {"where": ""}))
    assert "govuk-error-summary" in refused
    next_page = client.post(page, {"where": "Kitchen"})["Location"]
    assert next_page.endswith("/how-bad/")
    _shown_escaped(client.get(next_page))
    check = client.post(next_page, {"how_bad": "drip"})["Location"]
    assert re.search(r"/check/$", check)
    _shown_escaped(client.get(check))
    done = _shown_escaped(client.post(check, follow=True))
    assert "&lt;script&gt;" in done.split("Thank you.")[1], "the confirmation wording"
    _shown_escaped(client.get(reverse("portal:services") + "?q=leaky"))
