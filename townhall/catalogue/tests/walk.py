"""Walking a service's form the way residents do, one route for each branch.

`form_routes` plans, without the database, routes through a form definition that between
them take every branch of every page (each `next` entry, and the fall-through to the
following page) and show or skip every `show_if` page as the answers decide: it tries the
answers each question could be given (`answer_candidates`: every option, yes and no, the
numbers and dates either side of each condition's value) and keeps one answer for each
different way on. `post_data` turns a planned answer into what the page's POST carries, one
generator per field type, so the walk goes through the same parsing and checks as the
portal (an address by a gazetteer UPRN, a pin on a demo point, a tiny real photo or PDF).
"""

import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from PIL import Image

from townhall.eforms.conditions import condition_holds, relative_date
from townhall.eforms.definition import CHECK_ANSWERS
from townhall.eforms.engine import OUTCOME_REACHED, FormFlow
from townhall.eforms.lookups import lookup_get

# More combinations of one page's answers than this: vary one question at a time instead.
COMBINATIONS_MAX = 256
# More routes than this through one form means a planning bug, not a bigger form.
ROUTES_MAX = 500
TEXT_ANSWER = "Answered by the catalogue walk"
PATTERN_ANSWERS = ["AB12 CDE", "AB12CDE", "12345678", "A1234567", "AB123456C", "TN23 1AA"]
# What a page posts when its answers are picked; stands for a stored upload's id.
PLANNED_FILE = -1
# A slot question is answered with the first date its page offers (slot_answer_resolve).
FIRST_OFFERED_SLOT = "first-offered"


@dataclass(frozen=True)
class Place:
    """A demo gazetteer address, for address questions and map pins."""

    uprn: str
    lat: float
    lon: float


@dataclass
class Route:
    """Pages and the answers given on each, in order; where the route ends (CHECK_ANSWERS or
    OUTCOME_REACHED, and which outcome); and the branches it takes."""

    steps: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    end: str = ""
    outcome: str = ""
    taken: set[tuple[str, int]] = field(default_factory=set)

    def describe(self) -> str:
        return " > ".join(page for page, _ in self.steps) + f" > {self.outcome or self.end}"


def _day(value: Any, today: date) -> date | None:
    return relative_date(value, today)


def _conditions(definition: dict) -> list[dict]:
    """Every simple condition of the form (page `show_if`s and branches), flattened."""
    found: list[dict] = []

    def walk(condition: dict) -> None:
        for key in ("all", "any"):
            for part in condition.get(key, []):
                walk(part)
        if "not" in condition:
            walk(condition["not"])
        if "field" in condition:
            found.append(condition)

    for page in definition["pages"]:
        if page.get("show_if"):
            walk(page["show_if"])
        for branch in page.get("next", []):
            if "when" in branch:
                walk(branch["when"])
    return found


def _text_answer(spec: dict) -> str:
    limit = spec.get("max_length", 500)
    text = TEXT_ANSWER[:limit]
    if len(text) < spec.get("min_length", 0):
        text = (TEXT_ANSWER + " " + "x" * spec["min_length"])[:limit]
    if spec.get("pattern"):
        return next((p for p in PATTERN_ANSWERS if re.fullmatch(spec["pattern"], p)), text)
    return text


def _number_candidates(spec: dict, values: list[Any]) -> list[Any]:
    low = spec.get("min", 0)
    high = spec.get("max", float("inf"))
    bounds = [low] if high == float("inf") else [low, high]
    whole = spec.get("integer") or all(float(bound).is_integer() for bound in bounds)
    middle = (low + min(high, low + 10)) / 2
    found = [int(middle) if whole and int(middle) >= low else middle]
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        for candidate in (number - 1, number, number + 1):
            if low <= candidate <= high and (not whole or candidate.is_integer()):
                found.append(int(candidate) if candidate.is_integer() else candidate)
    return found


def _date_candidates(spec: dict, values: list[Any], today: date) -> list[str]:
    allowed = spec.get("date_range", "any")
    base = today + timedelta(days=14) if allowed == "future" else today - timedelta(days=1)
    days = [base]
    for value in values:
        day = _day(value, today)
        if day is not None:
            days += [day - timedelta(days=1), day + timedelta(days=1)]
    ok = [
        d
        for d in days
        if not (allowed == "past" and d > today) and not (allowed == "future" and d < today)
    ]
    return [d.isoformat() for d in ok]


def answer_candidates(spec: dict, definition: dict, place: Place, today: date) -> list[Any]:
    """The answers worth trying for one question, as the engine stores them: the first is
    the plain one; the others may take another branch."""
    name, kind = spec["name"], spec["type"]
    tested = [c for c in _conditions(definition) if c["field"] == name]
    values = [c.get("value") for c in tested]
    if kind in ("radios", "select"):
        found: list[Any] = [o["value"] for o in spec["options"]]
    elif kind == "checkboxes":
        found = [[o["value"]] for o in spec["options"]]
    elif kind == "yesno":
        found = ["yes", "no"]
    elif kind == "number":
        found = _number_candidates(spec, values)
    elif kind == "date":
        found = _date_candidates(spec, values, today)
    elif kind in ("text", "textarea"):
        found = [_text_answer(spec)] + [
            v for c, v in zip(tested, values, strict=True) if c["op"] in ("eq", "contains")
        ]
    elif kind == "email":
        found = ["walk@example.com"]
    elif kind == "phone":
        found = ["07700900982"]
    elif kind == "address":
        found = [{"uprn": place.uprn, "lat": place.lat, "lon": place.lon}]
    elif kind == "location":
        found = [{"lat": place.lat, "lon": place.lon}]
    elif kind == "declaration":
        found = [True]
    elif kind == "file":
        found = [[PLANNED_FILE]]
    elif kind == "slot":
        found = [FIRST_OFFERED_SLOT]
    else:
        raise AssertionError(f"no answer generator for field type {kind!r} ({name})")
    if not spec.get("required") and any(c["op"] in ("answered", "not_answered") for c in tested):
        found.append(None)
    return list({repr(v): v for v in found}.values())


def lookup_specs(page_lookup: dict | None) -> list[dict]:
    """A page's lookup's outputs as questions the walk answers itself: each value a branch
    may read is planned like a radio's option (the walk then makes the lookup find it)."""
    lookup = lookup_get(page_lookup["name"]) if page_lookup else None
    if lookup is None:
        return []
    return [
        {"name": name, "type": "radios", "options": [{"value": v} for v in values]}
        for name, values in lookup.outputs.items()
        if values
    ]


def _page_answers(fields: list[dict], candidates: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Combinations of the page's answers: all of them when few, else one question varied
    at a time (the others on their first answer)."""
    names = [f["name"] for f in fields]
    lists = [candidates[name] for name in names]
    total = 1
    for values in lists:
        total *= len(values)
    if total <= COMBINATIONS_MAX:
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*lists)]
    first = {name: values[0] for name, values in zip(names, lists, strict=True)}
    return [first] + [
        {**first, name: value}
        for name, values in zip(names, lists, strict=True)
        for value in values[1:]
    ]


def _branch_taken(flow: FormFlow, page_id: str, answers: dict) -> int:
    """The index of the page's first branch that holds; -1: none (the following page)."""
    page = flow.page(page_id)
    assert page is not None
    for index, branch in enumerate(page.next):
        if "when" not in branch or condition_holds(branch["when"], answers):
            return index
    return -1


def form_routes(definition: dict, *, ask_contact: bool, place: Place) -> list[Route]:
    """Routes through the form that between them take every branch the answers can take,
    fewest first kept (a greedy cover of every (page, branch) any route takes)."""
    today = timezone.localdate()
    flow = FormFlow(definition, ask_contact=ask_contact)
    candidates = {
        name: answer_candidates(spec, definition, place, today)
        for name, spec in flow.fields.items()
    }
    found_by_lookups = {page.id: lookup_specs(page.lookup) for page in flow.pages}
    for specs in found_by_lookups.values():
        candidates.update({spec["name"]: [o["value"] for o in spec["options"]] for spec in specs})
    routes: list[Route] = []
    leaves = _conditions(definition)

    def visit(page_id: str, answers: dict, route: Route) -> None:
        if len(routes) >= ROUTES_MAX:
            raise AssertionError(f"more than {ROUTES_MAX} routes: is the form looping?")
        if page_id in (CHECK_ANSWERS, OUTCOME_REACHED):
            route.end = page_id
            if page_id == OUTCOME_REACHED:
                outcome = flow.outcome(answers)
                route.outcome = outcome["id"] if outcome else "?"
            routes.append(route)
            return
        page = flow.page(page_id)
        assert page is not None, page_id
        assert page_id not in [p for p, _ in route.steps], f"the form loops at {page_id}"
        ways: dict[tuple, tuple[dict, dict, str, int]] = {}
        # Answers that lead on alike here may still differ for a later page's condition
        # (a year group read again with a later answer): keep one per outcome of every
        # condition on this page's questions.
        asked = [*page.fields, *found_by_lookups[page_id]]
        read_here = [c for c in leaves if c["field"] in {f["name"] for f in asked}]
        for given in _page_answers(asked, candidates):
            after = {**answers, **given}
            following = flow.next_page_id(page_id, after)
            branch = _branch_taken(flow, page_id, after)
            shown = tuple(
                p.show_if is None or condition_holds(p.show_if, after) for p in flow.pages
            )
            later = tuple(condition_holds(c, after) for c in read_here)
            ways.setdefault((branch, following, shown, later), (given, after, following, branch))
        for given, after, following, branch in ways.values():
            visit(
                following,
                after,
                Route(
                    steps=[*route.steps, (page_id, given)],
                    taken=route.taken | {(page_id, branch)},
                ),
            )

    visit(flow.first_page_id({}), {}, Route())
    chosen: list[Route] = []
    covered: set[tuple[str, int]] = set()
    ends: set[str] = set()
    for route in sorted(routes, key=lambda r: len(r.steps)):
        end = route.outcome or route.end
        if not route.taken <= covered or end not in ends:
            chosen.append(route)
            covered |= route.taken
            ends.add(end)
    return chosen


# ----------------------------------------------------------------------------------------
# What a page posts: one generator a field type


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def tiny_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 30, 200)).save(out, "JPEG")
    return out.getvalue()


TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _upload(spec: dict) -> SimpleUploadedFile:
    accept = spec.get("accept", ["image"])
    if "image" in accept:
        return SimpleUploadedFile("photo.jpg", tiny_jpeg(), content_type="image/jpeg")
    return SimpleUploadedFile("evidence.pdf", TINY_PDF, content_type="application/pdf")


def _post_scalar(spec: dict, value: Any) -> dict[str, str]:
    name, kind = spec["name"], spec["type"]
    if kind == "date":
        year, month, day = value.split("-")
        return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}
    if kind == "address":
        return {f"{name}-uprn": value["uprn"]}
    if kind == "location":
        return {f"{name}-lat": str(value["lat"]), f"{name}-lon": str(value["lon"])}
    if kind == "declaration":
        return {name: "yes"}
    return {name: str(value)}


def post_data(fields: list[dict], given: dict[str, Any]) -> tuple[MultiValueDict, MultiValueDict]:
    """The POST data and files of a page answered with `given` (None: left blank)."""
    data: MultiValueDict = MultiValueDict()
    files: MultiValueDict = MultiValueDict()
    for spec in fields:
        value = given.get(spec["name"])
        if value is None:
            continue
        if spec["type"] == "checkboxes":
            data.setlist(spec["name"], list(value))
        elif spec["type"] == "file":
            files.setlist(spec["name"], [_upload(spec)])
        else:
            for key, text in _post_scalar(spec, value).items():
                data[key] = text
    return data, files
