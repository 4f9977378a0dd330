"""A designer's "Slot" question: where it can go in a form, and how its answer reads."""

from townhall.eforms.definition import definition_errors
from townhall.eforms.fields import answer_display

ADDRESS = {"name": "address", "type": "address", "label": "Where?", "required": True}
COUNT = {"name": "count", "type": "number", "label": "How many?", "integer": True}


def _form(*fields: dict) -> dict:
    return {
        "title": "Book a visit",
        "pages": [{"id": f"p{n}", "fields": [field]} for n, field in enumerate(fields)],
    }


def _slot(**extra) -> dict:
    return {"name": "visit", "type": "slot", "label": "Choose a date", **extra}


def test_a_slot_after_an_address_is_sound_and_reads_the_first_address_by_default():
    assert definition_errors(_form(ADDRESS, _slot())) == []
    assert (
        definition_errors(
            _form(ADDRESS, COUNT, _slot(address_field="address", units_field="count"))
        )
        == []
    )


def test_a_slot_without_an_address_before_it_or_counting_by_a_non_number_is_refused():
    assert definition_errors(_form(_slot(), ADDRESS)) == [
        "The date question 'visit' needs an address question before it: the dates offered "
        "are those of the address's area."
    ]
    assert definition_errors(_form(ADDRESS, _slot(address_field="count"))) == [
        "The date question 'visit' reads the address 'count', which is not an address "
        "question before it."
    ]
    errors = definition_errors(_form(ADDRESS, _slot(units_field="address")))
    assert errors == [
        "The date question 'visit' counts places by 'address', which is not a number "
        "question before it."
    ]


def test_a_slot_answer_reads_as_its_day_and_area():
    value = {"slot": 7, "day": "2027-01-12", "area": "North and east"}
    assert answer_display(_slot(), value) == "Tuesday 12 January 2027 (North and east)"
