"""Which questions of a form a machine client answers as attributes (Open311's service
definition): the rule lives with the form so that the Open311 door, which offers them, and
the builder, which refuses a form that drops one clients answer, read it the same way.
"""

from collections.abc import Iterator

# Form fields that Open311 carries in its own parameters (lat/long, address_string, email,
# media_url...) or cannot carry at all, so they are not offered as attributes.
SKIPPED_FIELD_TYPES = {"location", "address", "file", "declaration", "email", "phone"}
CONTACT_FIELD_PREFIX = "contact_"

DATATYPES = {
    "text": "string",
    "textarea": "text",
    "number": "number",
    "date": "datetime",
    "radios": "singlevaluelist",
    "select": "singlevaluelist",
    "yesno": "singlevaluelist",
    "checkboxes": "multivaluelist",
}


def attribute_questions(definition: dict) -> Iterator[tuple[dict, dict, str]]:
    """Each question offered as an attribute, in order: (its page, the question, the
    attribute's datatype). The attribute's code is the question's name."""
    for page in definition.get("pages", []):
        for field in page.get("fields", []):
            datatype = DATATYPES.get(field.get("type", ""))
            if (
                datatype is None
                or field["type"] in SKIPPED_FIELD_TYPES
                or field["name"].startswith(CONTACT_FIELD_PREFIX)
            ):
                continue
            yield page, field, datatype
