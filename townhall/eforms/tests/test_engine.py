"""The form engine: definitions, branching on any answer, validation, versioning."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from townhall.eforms.conditions import condition_holds
from townhall.eforms.definition import definition_errors
from townhall.eforms.engine import CONTACT_PAGE, FormFlow
from townhall.eforms.fields import field_parse, phone_normalise
from townhall.eforms.models import Form, FormVersion

DEFINITION = {
    "title": "Bulky waste",
    "contact": True,
    "summary_field": "items",
    "pages": [
        {
            "id": "count",
            "fields": [
                {
                    "name": "count",
                    "type": "number",
                    "label": "How many items?",
                    "required": True,
                    "integer": True,
                    "min": 1,
                    "max": 20,
                }
            ],
            "next": [{"when": {"field": "count", "op": "gt", "value": 5}, "goto": "extra"}],
        },
        {
            "id": "items",
            "fields": [
                {
                    "name": "items",
                    "type": "textarea",
                    "label": "List the items",
                    "required": True,
                    "max_length": 50,
                }
            ],
        },
        {
            "id": "extra",
            "fields": [
                {
                    "name": "extra_ok",
                    "type": "yesno",
                    "label": "Do you agree to the extra charge?",
                    "required": True,
                }
            ],
            "show_if": {"field": "count", "op": "gt", "value": 5},
        },
        {
            "id": "when",
            "fields": [
                {
                    "name": "when",
                    "type": "date",
                    "label": "When did it happen?",
                    "date_range": "past",
                    "required": True,
                }
            ],
            "next": [
                {"when": {"field": "when", "op": "before", "value": "2020-01-01"}, "goto": "check"}
            ],
        },
        {"id": "notes", "fields": [{"name": "notes", "type": "text", "label": "Anything else?"}]},
    ],
}


def test_sound_definition_has_no_errors():
    assert definition_errors(DEFINITION) == []


def test_definition_with_unknown_goto_and_late_condition_is_refused():
    broken = {
        "title": "Broken",
        "pages": [
            {
                "id": "a",
                "fields": [{"name": "a", "type": "text", "label": "A"}],
                "next": [{"when": {"field": "b", "op": "answered"}, "goto": "nowhere"}],
            },
            {"id": "b", "fields": [{"name": "b", "type": "text", "label": "B"}]},
        ],
    }
    errors = definition_errors(broken)
    assert any("goes to page 'nowhere', which is not in the form" in e for e in errors)
    assert any("branches on the answer to 'b', which is not asked" in e for e in errors)


def test_definition_that_breaks_the_schema_names_the_place():
    errors = definition_errors({"title": "x", "pages": [{"id": "A!", "fields": []}]})
    assert errors and any("pages/0" in e for e in errors)


def test_branching_on_a_number_skips_pages():
    flow = FormFlow(DEFINITION, ask_contact=False)
    assert flow.next_page_id("count", {"count": 8}) == "extra"
    assert flow.next_page_id("count", {"count": 2}) == "items"
    # show_if: with 2 items the extra-charge page is never on the route
    assert flow.next_page_id("items", {"count": 2, "items": "sofa"}) == "when"


def test_branching_on_a_date_jumps_to_check_answers():
    flow = FormFlow(DEFINITION, ask_contact=False)
    assert flow.next_page_id("when", {"when": "2019-05-01"}) == "check"
    assert flow.next_page_id("when", {"when": "2024-05-01"}) == "notes"


def test_guests_give_contact_details_before_check_answers():
    flow = FormFlow(DEFINITION, ask_contact=True)
    assert flow.next_page_id("when", {"when": "2019-05-01"}) == CONTACT_PAGE
    assert flow.next_page_id("notes", {}) == CONTACT_PAGE
    assert flow.next_page_id(CONTACT_PAGE, {}) == "check"


def test_route_and_completeness_follow_the_answers():
    flow = FormFlow(DEFINITION, ask_contact=False)
    answers = {"count": 2, "items": "sofa", "when": "2024-01-02", "notes": None}
    assert [p.id for p in flow.route(answers)] == ["count", "items", "when", "notes"]
    assert flow.is_complete(answers)
    # Changing an earlier answer puts a new page on the route, so the form is incomplete again
    answers["count"] = 9
    assert not flow.is_complete(answers)
    assert flow.next_unanswered_page_id(answers) == "extra"


def test_answers_off_the_route_are_dropped():
    flow = FormFlow(DEFINITION, ask_contact=False)
    answers = {"count": 2, "items": "x", "extra_ok": "yes", "when": "2019-01-01"}
    assert "extra_ok" not in flow.answers_on_route(answers)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "kind", "op": "eq", "value": "sofa"}, True),
        ({"field": "kind", "op": "in", "value": ["bed", "sofa"]}, True),
        ({"field": "tags", "op": "contains", "value": "asbestos"}, True),
        ({"field": "note", "op": "matches", "value": "^urgent"}, True),
        ({"field": "missing", "op": "not_answered"}, True),
        ({"field": "count", "op": "gte", "value": 3}, True),
        (
            {
                "all": [
                    {"field": "count", "op": "lt", "value": 3},
                    {"field": "kind", "op": "eq", "value": "sofa"},
                ]
            },
            False,
        ),
        (
            {
                "any": [
                    {"field": "count", "op": "lt", "value": 3},
                    {"field": "kind", "op": "eq", "value": "sofa"},
                ]
            },
            True,
        ),
        ({"not": {"field": "kind", "op": "eq", "value": "sofa"}}, False),
        ({"field": "missing", "op": "gt", "value": 1}, False),
    ],
)
def test_conditions_on_any_kind_of_answer(condition, expected):
    answers = {
        "kind": "sofa",
        "tags": ["tyres", "asbestos"],
        "note": "Urgent: blocking road",
        "count": 3,
    }
    assert condition_holds(condition, answers) is expected


def _post(**data):
    q = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            q.setlist(key, value)
        else:
            q[key] = value
    return q


def test_number_field_says_exactly_what_to_fix():
    field = DEFINITION["pages"][0]["fields"][0]
    assert field_parse(field, _post(count="")).error == "Enter how many items"
    assert (
        field_parse(field, _post(count="three")).error == "How many items must be a number, like 3"
    )
    assert (
        field_parse(field, _post(count="2.5")).error
        == "How many items must be a whole number, like 3"
    )
    assert field_parse(field, _post(count="50")).error == "How many items must be 20 or less"
    assert field_parse(field, _post(count=" 4 ")).value == 4


def test_text_limits_and_control_characters():
    field = DEFINITION["pages"][1]["fields"][0]
    assert "must be 50 characters or fewer" in field_parse(field, _post(items="x" * 51)).error
    result = field_parse(field, _post(items="<script>alert(1)</script>\x00"))
    # stored as text (escaped when shown), control characters removed
    assert result.value == "<script>alert(1)</script>"


def test_date_field_checks_parts_reality_and_range():
    field = DEFINITION["pages"][3]["fields"][0]
    assert field_parse(
        field, _post(**{"when-day": "1", "when-month": "", "when-year": "2024"})
    ).error == ("When did it happen must include a month")
    assert field_parse(
        field, _post(**{"when-day": "31", "when-month": "2", "when-year": "2024"})
    ).error == ("When did it happen must be a real date")
    assert (
        "today or in the past"
        in field_parse(
            field, _post(**{"when-day": "1", "when-month": "1", "when-year": "2999"})
        ).error
    )
    assert (
        field_parse(
            field, _post(**{"when-day": "29", "when-month": "2", "when-year": "2024"})
        ).value
        == "2024-02-29"
    )


def test_choices_refuse_values_not_offered():
    field = {
        "name": "bin",
        "type": "radios",
        "label": "Which bin?",
        "required": True,
        "options": [{"value": "black", "label": "Black"}, {"value": "blue", "label": "Blue"}],
    }
    assert field_parse(field, _post(bin="green")).error.startswith("Select one of the options")
    assert field_parse(field, _post(bin="")).error == "Select which bin"
    boxes = {**field, "type": "checkboxes"}
    assert field_parse(boxes, _post(bin=["blue", "black"])).value == ["black", "blue"]
    assert "only the options shown" in field_parse(boxes, _post(bin=["red"])).error


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("07700 900982", "07700900982"),
        ("+44 7700 900 982", "07700900982"),
        ("(01632) 960-001", "01632960001"),
        ("12345", None),
        ("07700 900982 ext 4", None),
    ],
)
def test_uk_phone_numbers_are_normalised(typed, expected):
    assert phone_normalise(typed) == expected


@pytest.mark.django_db
def test_published_form_version_cannot_be_edited():
    form = Form.objects.create(slug="bulky", name="Bulky")
    version = FormVersion.objects.create(
        form=form, number=1, definition=DEFINITION, status=FormVersion.Status.PUBLISHED
    )
    version.definition = {**DEFINITION, "title": "Changed"}
    with pytest.raises(ValidationError):
        version.save()


def test_date_conditions_relative_to_today():
    from datetime import timedelta

    from django.utils import timezone

    three_days_ago = (timezone.localdate() - timedelta(days=3)).isoformat()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    rule = {"field": "collected", "op": "before", "value": "today-2d"}
    assert condition_holds(rule, {"collected": three_days_ago})
    assert not condition_holds(rule, {"collected": yesterday})


@pytest.mark.django_db  # councils add their own closure days to the calendar
def test_working_days_from_today_skip_weekends_and_bank_holidays():
    from datetime import date

    from townhall.eforms.conditions import relative_date

    friday_before_easter = date(2027, 3, 19)  # Good Friday is 26 March, Easter Monday 29 March
    assert relative_date("today+5wd", friday_before_easter) == date(2027, 3, 30)
    assert relative_date("today+1wd", date(2027, 3, 20)) == date(2027, 3, 22)  # Saturday
    assert relative_date("today+10d", friday_before_easter) == date(2027, 3, 29)
    assert relative_date("today-1wd", friday_before_easter) is None
    assert relative_date("today+5weeks", friday_before_easter) is None
