"""The form builder's edits of a form's outcomes: pure functions, no database.

An outcome is where a journey ends without anything being sent (issue 16 points 2 and 6,
docs/adr/0011): a title, what it means, and links to what to do next, each text with its
Welsh. A branch ends on one by its id, so the id is made from the title when the outcome is
added, unique among the form's outcomes, and never changes afterwards (outcome counts are
kept by it too). Like form_editing, each edit returns a changed copy of the definition or
raises FormEditRefused saying what to fix, keyed by the designer's input.
"""

import copy
import json
import re
from functools import lru_cache
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from townhall.builder.form_questions import (
    FormEditRefused,
    paragraphs,
    refused,
    text_set,
    unique_id,
)
from townhall.eforms.definition import SCHEMA_PATH

Definition = dict[str, Any]

OUTCOME_ID_MAX = 41
TITLE_MAX = 200
PARAGRAPH_MAX = 2000
STEP_TEXT_MAX = 200
STEP_LINK_MAX = 500
STEPS_MAX = 10
LINK_RULE = gettext_lazy(
    "A link is a path on this site, starting with /, or an address starting with https://"
)


@lru_cache(maxsize=1)
def _link_pattern() -> re.Pattern[str]:
    """The schema's own rule for a next step's link, so the builder never accepts a link
    the schema would refuse (nor refuses one it accepts)."""
    schema = json.loads(SCHEMA_PATH.read_text())
    link = schema["$defs"]["outcome"]["properties"]["next_steps"]["items"]["properties"]["href"]
    return re.compile(link["pattern"])


def outcome_id_make(title: str, taken: set[str]) -> str:
    """An outcome id from its title ("You can apply": you-can-apply), unique among `taken`,
    as the schema wants (a letter first, then a-z, 0-9 and -)."""
    base = slugify(title)[:OUTCOME_ID_MAX].strip("-") or "outcome"
    if not base[0].isalpha():
        base = f"outcome-{base}"[:OUTCOME_ID_MAX].strip("-")
    return unique_id(base, taken, OUTCOME_ID_MAX, "-")


def outcome_index(definition: Definition, outcome_id: str) -> int:
    for index, outcome in enumerate(definition.get("outcomes", [])):
        if outcome["id"] == outcome_id:
            return index
    raise refused(
        "outcome",
        gettext("There is no outcome ‘%(outcome_id)s’ in this form") % {"outcome_id": outcome_id},
    )


def outcome_uses(definition: Definition, outcome_id: str) -> list[tuple[int, dict]]:
    """The pages (number from 1, page) with a branch that ends on the outcome."""
    return [
        (number, page)
        for number, page in enumerate(definition["pages"], start=1)
        if any(branch.get("outcome") == outcome_id for branch in page.get("next", []))
    ]


def _lines(text: str) -> list[str]:
    """A text box's lines, each stripped, without the empty lines at its end: a line's
    number is its place, so the Welsh on line 2 is the Welsh of the English on line 2."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def next_steps_read(text: str, text_cy: str = "") -> tuple[list[dict[str, str]], dict[str, str]]:
    """Next steps from one link a line, "text | link", and the Welsh of each text on the
    same line of `text_cy`. Returns (next steps, errors keyed next_steps / next_steps_cy)."""
    english, welsh = _lines(text), _lines(text_cy)
    steps: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    for number, line in enumerate(english, start=1):
        line_cy = welsh[number - 1] if number <= len(welsh) else ""
        if not line:
            if line_cy:
                errors.setdefault(
                    "next_steps_cy",
                    gettext("Line %(number)s of the Welsh has no link beside it in English")
                    % {"number": number},
                )
            continue
        words, bar, link = line.rpartition("|")
        words, link = words.strip(), link.strip()
        if not bar or not words or not link:
            errors.setdefault(
                "next_steps",
                gettext(
                    "Line %(number)s of what to do next: put the text, a | and the link, like: "
                    "Apply for a garden waste bin | /services/garden-waste/"
                )
                % {"number": number},
            )
        elif len(words) > STEP_TEXT_MAX:
            errors.setdefault(
                "next_steps",
                gettext(
                    "Line %(number)s of what to do next: the text must be %(step_text_max)s "
                    "characters or fewer"
                )
                % {"number": number, "step_text_max": STEP_TEXT_MAX},
            )
        elif len(link) > STEP_LINK_MAX or re.search(r"\s", link) or not _link_pattern().match(link):
            errors.setdefault(
                "next_steps",
                gettext("Line %(number)s of what to do next: the link is not right. %(link_rule)s")
                % {"number": number, "link_rule": LINK_RULE},
            )
        # A Welsh line may repeat the link; only its text is read.
        words_cy = line_cy.split("|")[0].strip()
        if len(words_cy) > STEP_TEXT_MAX:
            errors.setdefault(
                "next_steps_cy",
                gettext(
                    "Line %(number)s of the Welsh must be %(step_text_max)s characters or fewer"
                )
                % {"number": number, "step_text_max": STEP_TEXT_MAX},
            )
        step = {"text": words, "href": link}
        text_set(step, "text_cy", words_cy)
        steps.append(step)
    if len(welsh) > len(english):
        errors.setdefault(
            "next_steps_cy",
            gettext("Line %(welsh)s of the Welsh has no link beside it in English")
            % {"welsh": len(welsh)},
        )
    if len(steps) > STEPS_MAX:
        errors.setdefault(
            "next_steps",
            gettext("Give at most %(steps_max)s links of what to do next")
            % {"steps_max": STEPS_MAX},
        )
    return steps, errors


def next_steps_texts(outcome: dict) -> tuple[str, str]:
    """An outcome's next steps as the builder's two text boxes show them."""
    steps = outcome.get("next_steps", [])
    english = "\n".join(f"{step['text']} | {step['href']}" for step in steps)
    welsh = "\n".join(step.get("text_cy", "") for step in steps).rstrip("\n")
    return english, welsh


def _outcome_set(outcome: dict, texts: dict[str, Any]) -> None:
    """Fill `outcome` from what the designer wrote: `title`, `title_cy`, `panel`, `body`,
    `body_cy` (paragraphs separated by a blank line), `next_steps`, `next_steps_cy`."""
    title = str(texts.get("title") or "").strip()
    title_cy = str(texts.get("title_cy") or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = gettext("Enter the outcome's title")
    elif len(title) > TITLE_MAX:
        errors["title"] = gettext(
            "The outcome's title must be %(title_max)s characters or fewer"
        ) % {"title_max": TITLE_MAX}
    if len(title_cy) > TITLE_MAX:
        errors["title_cy"] = gettext(
            "The Welsh title must be %(title_max)s characters or fewer"
        ) % {"title_max": TITLE_MAX}
    body = paragraphs(str(texts.get("body") or ""))
    body_cy = paragraphs(str(texts.get("body_cy") or ""))
    for key, found in (("body", body), ("body_cy", body_cy)):
        if any(len(p) > PARAGRAPH_MAX for p in found):
            errors[key] = gettext(
                "Each paragraph must be %(paragraph_max)s characters or fewer"
            ) % {"paragraph_max": f"{PARAGRAPH_MAX:,}"}
    steps, step_errors = next_steps_read(
        str(texts.get("next_steps") or ""), str(texts.get("next_steps_cy") or "")
    )
    errors.update(step_errors)
    if errors:
        raise FormEditRefused(errors)
    outcome["title"] = title
    text_set(outcome, "title_cy", title_cy)
    text_set(outcome, "panel", bool(texts.get("panel")))
    text_set(outcome, "body", body)
    text_set(outcome, "body_cy", body_cy)
    text_set(outcome, "next_steps", steps)


def outcome_add(definition: Definition, *, texts: dict[str, Any]) -> tuple[Definition, str]:
    """A new outcome, last of the form's outcomes; returns the definition and its id."""
    changed = copy.deepcopy(definition)
    outcomes = changed.setdefault("outcomes", [])
    outcome: dict[str, Any] = {}
    _outcome_set(outcome, texts)
    outcome_id = outcome_id_make(outcome["title"], {o["id"] for o in outcomes})
    outcomes.append({"id": outcome_id, **outcome})
    return changed, outcome_id


def outcome_edit(definition: Definition, outcome_id: str, *, texts: dict[str, Any]) -> Definition:
    """Change an outcome's texts; its id stays (branches end on it, counts are kept by it)."""
    changed = copy.deepcopy(definition)
    index = outcome_index(changed, outcome_id)
    outcome: dict[str, Any] = {}
    _outcome_set(outcome, texts)
    changed["outcomes"][index] = {"id": outcome_id, **outcome}
    return changed


def outcome_remove(definition: Definition, outcome_id: str) -> Definition:
    """Remove an outcome; refused while a branch ends on it (change those branches first),
    so no journey is left ending on nothing."""
    changed = copy.deepcopy(definition)
    index = outcome_index(changed, outcome_id)
    uses = outcome_uses(changed, outcome_id)
    if uses:
        pages = ", ".join(
            f"page {number}" + (f" (‘{page['title']}’)" if page.get("title") else "")
            for number, page in uses
        )
        raise refused(
            "outcome",
            gettext(
                "Outcome ‘%(title)s’ cannot be removed: %(pages)s ends on it. Change where those "
                "pages go next first"
            )
            % {"title": changed["outcomes"][index]["title"], "pages": pages},
        )
    del changed["outcomes"][index]
    if not changed["outcomes"]:
        del changed["outcomes"]
    return changed


def outcome_move(definition: Definition, outcome_id: str, *, position: int) -> Definition:
    """Put an outcome at `position` (0 first; beyond the end: last)."""
    changed = copy.deepcopy(definition)
    outcomes = changed.get("outcomes", [])
    outcome = outcomes.pop(outcome_index(changed, outcome_id))
    outcomes.insert(max(0, min(position, len(outcomes))), outcome)
    return changed
