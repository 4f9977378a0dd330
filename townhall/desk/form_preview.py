"""The form builder's preview: a draft form as a resident sees it, one page at a time, with
the portal's own field templates and the engine's own validation and branching. Nothing is
stored: each page is a plain GET form, and the answers so far travel with it, signed (so
they are the server's own, never read from what a browser made up), for the branches and
the check-answers page."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core import signing
from django.http import QueryDict
from django.utils.translation import gettext

from townhall.bookings.selectors import first_bookable_day
from townhall.bookings.services import day_text
from townhall.eforms.definition import CHECK_ANSWERS
from townhall.eforms.engine import OUTCOME_REACHED, FormFlow, Page
from townhall.eforms.fields import FieldResult, answer_display, field_parse

START = "start"
DONE = "done"
# Pressed to look an address or a place up: the page is shown again with what was found.
STAY_ACTIONS = ("find", "upload")
ANSWERS_SALT = "townhall.desk.form-preview"
# Past this size (a URL), earlier answers are dropped: the preview still steps on.
ANSWERS_MAX = 4000
# A slot question shows made-up dates: the preview has no address and holds no places.
SAMPLE_SLOT_DAYS = 6
SAMPLE_FULL_DAY = 2  # the third date is shown fully booked, as residents may see one
SAMPLE_AREA = "sample area"


@dataclass
class PreviewStep:
    """What the preview shows: a page of questions, the start, check answers or done;
    or `goto`, the next step to show."""

    kind: str
    page: Page | None = None
    fields: list[dict] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    goto: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, str]] = field(default_factory=list)
    outcome: dict[str, Any] | None = None

    @property
    def heading(self) -> str:
        if self.page is None:
            return ""
        return self.page.title or (self.page.fields[0]["label"] if self.page.fields else "")


def _sample_slot_choices() -> list[dict[str, Any]]:
    """Weekdays from the first a resident could book, as a slot question offers them."""
    day, choices = first_bookable_day(), list[dict[str, Any]]()
    while len(choices) < SAMPLE_SLOT_DAYS:
        if day.weekday() < 5:
            full = len(choices) == SAMPLE_FULL_DAY
            choices.append(
                {
                    "value": day.isoformat(),
                    "label": day_text(day),
                    "hint": gettext("Fully booked")
                    if full
                    else gettext("Room for 10 more (a sample date)"),
                    "disabled": full,
                }
            )
        day += timedelta(days=1)
    return choices


def _sample_slot_parse(question: dict, data: QueryDict) -> FieldResult:
    """A slot answer checked against the sample dates, as the form checks the real ones."""
    raw = str(data.get(question["name"], "")).strip()[:12]
    result = FieldResult(raw={"value": raw}, choices=_sample_slot_choices())
    chosen = next((c for c in result.choices if c["value"] == raw), None)
    label = question["label"].rstrip("?").rstrip()
    name = question.get("error_name") or (label[:1].lower() + label[1:]) or gettext("an answer")
    if not raw:
        if question.get("required", True):
            result.error = gettext("Select %(name)s") % {"name": name}
    elif chosen is None:
        result.error = gettext("Select one of the dates shown")
    elif chosen["disabled"]:
        result.error = gettext("%(day)s is fully booked. Choose another date") % {
            "day": chosen["label"]
        }
    else:
        result.value = {"slot": None, "day": raw, "area": SAMPLE_AREA}
    return result


def _parse(question: dict, data: QueryDict) -> FieldResult:
    if question["type"] == "slot":
        return _sample_slot_parse(question, data)
    return field_parse(question, data)


def _field_context(page: Page, results: dict[str, FieldResult]) -> list[dict[str, Any]]:
    """What the portal's field templates read (see eforms.journey.page_fields_context); a
    slot question offers the sample dates."""
    fields = []
    for question in page.fields:
        result = results.get(question["name"])
        if result is None and question["type"] == "slot":
            result = FieldResult(raw={}, choices=_sample_slot_choices())
        fields.append(
            {
                "field": question,
                "id": f"f-{question['name']}",
                "raw": result.raw if result else {},
                "error": result.error if result else "",
                "choices": result.choices if result else [],
                "is_heading": page.heading_field is question,
                "area": question["type"] == "slot",
            }
        )
    return fields


def preview_answers_sign(answers: dict[str, Any]) -> str:
    token = signing.dumps(answers, salt=ANSWERS_SALT, compress=True)
    return token if len(token) <= ANSWERS_MAX else ""


def preview_answers_read(token: str) -> dict[str, Any]:
    """The answers a preview step signed ({} when missing, altered or too old)."""
    try:
        answers = signing.loads(token[:ANSWERS_MAX], salt=ANSWERS_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return {}
    return answers if isinstance(answers, dict) else {}


def _rows(flow: FormFlow, answers: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "label": question["label"],
            "value": answer_display(question, answers.get(question["name"])),
        }
        for page in flow.route(answers)
        for question in page.fields
    ]


def preview_step(
    definition: dict[str, Any], step: str, data: QueryDict, earlier: dict[str, Any]
) -> PreviewStep:
    """The preview at `step` (a page id, 'start', 'check' or 'done'), given the answers
    the page sent in `data` (none when it is just shown) and those of `earlier` pages."""
    if not definition.get("pages"):
        return PreviewStep(kind="empty")
    flow = FormFlow(definition, ask_contact=False)
    if step in ("", START):
        if definition.get("start", {}).get("body"):
            return PreviewStep(kind=START)
        return PreviewStep(kind="goto", goto=flow.first_page_id({}))
    if step == CHECK_ANSWERS:
        return PreviewStep(kind=step, rows=_rows(flow, earlier))
    if step == DONE:
        return PreviewStep(kind=step)
    if step == OUTCOME_REACHED:
        # The answers end the journey on one of the form's outcomes: no case would be made.
        return PreviewStep(kind="outcome", outcome=flow.outcome(earlier), answers=earlier)
    page = flow.page(step)
    if page is None:
        return PreviewStep(kind="goto", goto=flow.first_page_id({}))
    if "action" not in data:
        return PreviewStep(kind="page", page=page, fields=_field_context(page, {}), answers=earlier)
    # Files are not sent by a GET form: the preview takes them as answered.
    results = {
        question["name"]: _parse(question, data)
        for question in page.fields
        if question["type"] != "file"
    }
    errors = {name: result.error for name, result in results.items() if result.error}
    if errors or data.get("action") in STAY_ACTIONS:
        return PreviewStep(
            kind="page",
            page=page,
            fields=_field_context(page, results),
            errors=errors,
            answers=earlier,
        )
    answers = {**earlier, **{q["name"]: None for q in page.fields}}
    answers.update({name: result.value for name, result in results.items()})
    return PreviewStep(kind="goto", goto=flow.next_page_id(page.id, answers), answers=answers)
