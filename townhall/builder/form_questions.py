"""The question page of the form builder: the answer types it offers, and the engine's
field made from what the designer typed (validation for the type, options one a line, the
Welsh of every text). Pure functions, no database."""

import re
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.eforms.definition import CHOICE_TYPES, pattern_problem

# The answer types the builder offers, in its order, with the labels designers see.
# "photo" and "file" are both the engine's `file` type: a photo accepts images only.
ANSWER_TYPES = [
    ("text", _("Text")),
    ("textarea", _("Long answer")),
    ("number", _("Number")),
    ("date", _("Date")),
    ("email", _("Email address")),
    ("phone", _("Phone number")),
    ("radios", _("Radios (choose one)")),
    ("checkboxes", _("Checkboxes (choose any)")),
    ("select", _("Select from a list")),
    ("yesno", _("Yes or no")),
    ("address", _("Address (found by postcode, with its UPRN)")),
    ("location", _("Location")),
    ("photo", _("Photo")),
    ("file", _("File upload (image or PDF)")),
    ("declaration", _("Declaration (a box to tick to confirm)")),
    # Dates from the service's bookable slots in the area of the address asked before it.
    ("slot", _("Slot (a date to book, from the service's slots for the address)")),
]
ANSWER_TYPE_LABELS = dict(ANSWER_TYPES)
PATTERN_MAX = 200


class FormEditRefused(ValueError):
    """What to fix, by the key of the designer's input ("" for the edit as a whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def refused(key: str, message: str) -> FormEditRefused:
    return FormEditRefused({key: message})


def paragraphs(text: str) -> list[str]:
    """Paragraphs from a text box: separated by a blank line."""
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def text_set(target: dict, key: str, value: Any) -> None:
    """Set a text (or a list, or an object); an empty one is left out, as the schema allows."""
    if value:
        target[key] = value
    else:
        target.pop(key, None)


def unique_id(base: str, taken: set[str], limit: int, joiner: str) -> str:
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"{joiner}{number}"
        candidate, number = f"{base[: limit - len(suffix)]}{suffix}", number + 1
    return candidate


def _options(
    labels: list[str], labels_cy: list[str], existing: list[dict]
) -> tuple[list[dict], str]:
    """Options from one label a line; an option keeps its value when its English label is
    unchanged (answers and branches read values). Returns (options, error)."""
    kept = {option["label"]: option for option in existing}
    taken: set[str] = set()
    options = []
    for n, label in enumerate(labels):
        if len(label) > 200:
            return [], gettext("Each option must be 200 characters or fewer")
        old = kept.get(label)
        value = old["value"] if old and old["value"] not in taken else None
        value = value or unique_id(slugify(label)[:90] or f"option-{n + 1}", taken, 100, "-")
        taken.add(value)
        option = {k: v for k, v in (old or {}).items() if k not in ("label_cy",)}
        option.update({"value": value, "label": label})
        text_set(option, "label_cy", labels_cy[n] if n < len(labels_cy) else "")
        options.append(option)
    if len(set(labels)) != len(labels):
        return [], gettext("Each option must be different")
    return options, ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n")]


def _int_or_none(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def question_field(answer: dict[str, Any], existing: dict | None = None) -> dict[str, Any]:
    """The engine's field for the designer's answers on the question page: `answer` holds
    answer_type, label, label_cy, hint, hint_cy, required, and the validation of its type
    (min_length, max_length, min, max, date_range, pattern, pattern_error(_cy), options and
    options_cy as one per line). Keeps the existing field's id and anything the builder
    does not edit (prefill, error names...); a slot question takes address_field and
    units_field. Raises FormEditRefused with every problem."""
    kind = answer.get("answer_type", "")
    errors: dict[str, str] = {}
    if kind not in ANSWER_TYPE_LABELS:
        errors["answer_type"] = gettext("Select the answer type")
    label = (answer.get("label") or "").strip()
    if not label:
        errors["label"] = gettext("Enter the question")
    elif len(label) > 300 or len(answer.get("label_cy") or "") > 300:
        errors["label"] = gettext("The question must be 300 characters or fewer")
    if len(answer.get("hint") or "") > 500 or len(answer.get("hint_cy") or "") > 500:
        errors["hint"] = gettext("The hint must be 500 characters or fewer")
    keep = (
        "name",
        "prefill",
        "autocomplete",
        "open311_description",
        "error_name",
        "error_name_cy",
        "suffix",
        "suffix_cy",
    )
    field: dict[str, Any] = {k: v for k, v in (existing or {}).items() if k in keep}
    engine_type = "file" if kind == "photo" else kind
    if existing and existing.get("type") != engine_type:
        field.pop("prefill", None)
    field.update({"type": engine_type, "label": label})
    for key in ("label_cy", "hint", "hint_cy"):
        text_set(field, key, (answer.get(key) or "").strip())
    field["required"] = bool(answer.get("required"))
    if kind in ("text", "textarea"):
        low, high = _int_or_none(answer.get("min_length")), _int_or_none(answer.get("max_length"))
        if low is not None and high is not None and low > high:
            errors["min_length"] = gettext(
                "The shortest answer must not be longer than the longest"
            )
        field.update({k: v for k, v in (("min_length", low), ("max_length", high)) if v})
    if kind == "text":
        pattern = (answer.get("pattern") or "").strip()
        if pattern:
            problem = pattern_problem(pattern)
            if problem:
                errors["pattern"] = gettext("The pattern is %(problem)s") % {"problem": problem}
            if len(pattern) > PATTERN_MAX:
                errors["pattern"] = gettext(
                    "The pattern must be %(pattern_max)s characters or fewer"
                ) % {"pattern_max": PATTERN_MAX}
            if not (answer.get("pattern_error") or "").strip():
                errors["pattern_error"] = gettext(
                    "Enter the error message for answers not matching"
                )
            field["pattern"] = pattern
            for key in ("pattern_error", "pattern_error_cy"):
                text_set(field, key, (answer.get(key) or "").strip()[:200])
    if kind == "number":
        low, high = answer.get("min"), answer.get("max")
        if low not in (None, "") and high not in (None, "") and float(low) > float(high):
            errors["min"] = gettext("The smallest number must not be more than the largest")
        field.update({k: v for k, v in (("min", low), ("max", high)) if v not in (None, "")})
        if answer.get("integer"):
            field["integer"] = True
    if kind == "date" and answer.get("date_range") in ("past", "future"):
        field["date_range"] = answer["date_range"]
    if kind in CHOICE_TYPES:
        # Line n of the Welsh is the Welsh of line n of the English (blank lines and all).
        welsh = _lines(answer.get("options_cy", ""))
        pairs = [
            (line, welsh[n] if n < len(welsh) else "")
            for n, line in enumerate(_lines(answer.get("options", "")))
            if line
        ]
        labels = [english for english, _ in pairs]
        options, problem = _options(
            labels, [cy for _, cy in pairs], (existing or {}).get("options", [])
        )
        if not labels:
            errors["options"] = gettext("Enter the options, one on each line")
        elif problem:
            errors["options"] = problem
        field["options"] = options
    if kind == "slot":
        # Which address's area offers the dates (the first address when none), and which
        # number counts the places a booking takes (one when none); checked against the
        # questions before it by slot_question_problems.
        for key in ("address_field", "units_field"):
            text_set(field, key, (answer.get(key) or "").strip())
    if kind in ("photo", "file"):
        field["accept"] = ["image"] if kind == "photo" else ["image", "pdf"]
        field["max_files"] = (existing or {}).get("max_files", 1)
    if errors:
        raise FormEditRefused(errors)
    return field


def question_answer_type(field: dict) -> str:
    """The builder's answer type of an engine field (a file accepting images only: photo)."""
    if field["type"] == "file" and field.get("accept", ["image"]) == ["image"]:
        return "photo"
    return field["type"]
