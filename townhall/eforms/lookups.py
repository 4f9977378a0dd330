"""Lookups: a server-side step of a form page. When the page's answers are accepted, its
`lookup` runs with answers given so far and stores what it found as answers of its own
(`outputs`), which later branches read (to end on an outcome, say) and page and outcome texts
show as `{name}`. A missed-bin report asks waste when the address's bin was last collected.

An app registers its lookups with `lookup_register` from an AppConfig.ready; a form naming a
lookup nobody registered cannot be published (`definition_problems`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from townhall.core.hooks import Registry

LookupFn = Callable[..., dict[str, str]]


@dataclass(frozen=True)
class Lookup:
    name: str
    title: str
    # What it reads: the name the function takes each answer by (the page says which question
    # gives it, `lookup.answers`).
    inputs: tuple[str, ...]
    # What it answers, each with the values it can take ([] for free text): branches may
    # read these, texts show them, the case keeps them.
    outputs: dict[str, list[str]]
    run: LookupFn


LOOKUPS: Registry[Lookup] = Registry("form lookups")


def lookup_register(lookup: Lookup) -> Lookup:
    """Make `lookup` available to forms by its name (registering it again replaces it)."""
    return LOOKUPS.register(lookup, name=lookup.name)


def lookup_get(name: str) -> Lookup | None:
    return LOOKUPS.get(name)


def page_lookup_outputs(page: dict) -> list[str]:
    """The answer names a page's lookup gives (none when it has none or it is unknown)."""
    spec = page.get("lookup")
    lookup = lookup_get(spec["name"]) if spec else None
    return list(lookup.outputs) if lookup else []


def lookup_reads(spec: dict) -> set[str]:
    """The questions a page's lookup reads."""
    lookup = lookup_get(spec["name"])
    if lookup is None:
        return set()
    return {spec.get("answers", {}).get(name, name) for name in lookup.inputs}


def lookup_run(spec: dict, answers: dict[str, Any]) -> dict[str, str]:
    """Run a page's lookup against the answers so far; only its declared outputs are kept."""
    lookup = lookup_get(spec["name"])
    if lookup is None:
        return {}
    given = {name: answers.get(spec.get("answers", {}).get(name, name)) for name in lookup.inputs}
    found = lookup.run(**given)
    return {name: str(found.get(name, "")) for name in lookup.outputs}


PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,40})\}")


def text_fill(text: str, values: dict[str, Any]) -> str:
    """`text` with each `{name}` of `values` replaced by its value; other braces stay."""
    if "{" not in text:
        return text
    return PLACEHOLDER.sub(
        lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text
    )


def paragraphs_fill(paragraphs: list[str], values: dict[str, Any]) -> list[str]:
    """Each paragraph `text_fill`ed, leaving out a paragraph that shows a value found blank
    (a crew's note when the crew wrote none): "The crew's note: " with nothing after it says
    nothing. A paragraph naming a value not found at all keeps its `{name}`, as text_fill."""
    shown = []
    for paragraph in paragraphs:
        names = PLACEHOLDER.findall(paragraph)
        if any(name in values and not str(values[name]).strip() for name in names):
            continue
        shown.append(text_fill(paragraph, values))
    return shown
