"""Reading a round extract (CSV, one row per address served by a round) into checked rows.

Nothing here writes: `rounds_extract_read` returns the rows or raises ExtractRefused listing
every refused row by its line number, so services.rounds_import writes all or nothing."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import time

from townhall.integrations.models import PartnerEndpoint
from townhall.places.models import Address
from townhall.waste.models import Round, Stream

# Our field -> the extract's column heading, unless the officer maps it otherwise.
DEFAULT_COLUMNS = {
    "round": "round",
    "stream": "stream",
    "day": "day",
    "frequency": "frequency",
    "week": "week",
    "crew": "crew",
    "finish": "finish",
    "uprn": "uprn",
    "contractor": "contractor",
}
# A round without a contractor sends missed-bin returns to the council's usual one.
OPTIONAL_COLUMNS = {"week", "finish", "contractor"}
MAX_ROWS = 200_000
_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
_DAYS = {label.lower(): value for value, label in Round.Weekday.choices}
_DAYS.update({label[:3].lower(): value for value, label in Round.Weekday.choices})
_STREAMS = {s.value: s.value for s in Stream} | {s.label.lower(): s.value for s in Stream}


class ExtractRefused(Exception):
    """The extract was not imported; `problems` says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


@dataclass
class RoundPlan:
    code: str
    stream: str
    weekday: int
    frequency: str
    week: str
    crew: str
    crew_finish_time: time | None
    line: int
    uprns: list[str] = field(default_factory=list)
    contractor: str = ""

    def same_as(self, other: "RoundPlan") -> str:
        """What differs from another row of the same round ('' when nothing)."""
        names = ("stream", "weekday", "frequency", "week", "crew", "crew_finish_time", "contractor")
        for name in names:
            if getattr(self, name) != getattr(other, name) and not (
                name == "crew_finish_time" and other.crew_finish_time is None
            ):
                return {"weekday": "day", "crew_finish_time": "finish time"}.get(name, name)
        return ""


@dataclass
class Extract:
    rounds: dict[str, RoundPlan]
    address_ids: dict[str, int]  # UPRN -> Address id
    rows: int


def _time(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))


def _row_plan(row: dict[str, str], columns: dict[str, str], line: int) -> tuple[RoundPlan, str]:
    get = {name: (row.get(heading) or "").strip() for name, heading in columns.items()}
    problems = []
    if not _CODE.match(get["round"]):
        problems.append("the round code must be letters, numbers, - or _ (at most 40)")
    stream = _STREAMS.get(get["stream"].lower())
    if stream is None:
        problems.append(
            f'stream "{get["stream"]}" is not one of {", ".join(s.value for s in Stream)}'
        )
    weekday = _DAYS.get(get["day"].lower())
    if weekday is None:
        problems.append(f'day "{get["day"]}" is not a day from Monday to Saturday')
    frequency = get["frequency"].lower()
    week = get["week"].upper()
    if frequency not in Round.Frequency.values:
        problems.append(f'frequency "{get["frequency"]}" is not weekly or fortnightly')
    elif frequency == Round.Frequency.FORTNIGHTLY and week not in ("A", "B"):
        problems.append("a fortnightly round needs week A or B")
    elif frequency == Round.Frequency.WEEKLY and week:
        problems.append("a weekly round has no week A or B")
    if not get["crew"] or len(get["crew"]) > 60:
        problems.append("the crew must be named (at most 60 characters)")
    finish = None
    if get["finish"]:
        try:
            finish = _time(get["finish"])
        except ValueError:
            problems.append(f'finish time "{get["finish"]}" is not a time like 15:30')
    if get["contractor"] and not _CODE.match(get["contractor"]):
        problems.append(f'contractor "{get["contractor"]}" is not a partner\'s name')
    if not get["uprn"].isdigit() or len(get["uprn"]) > 12:
        problems.append(f'UPRN "{get["uprn"]}" is not a UPRN (up to 12 digits)')
    plan = RoundPlan(
        code=get["round"],
        stream=stream or "",
        weekday=weekday if weekday is not None else -1,
        frequency=frequency,
        week=week if frequency == Round.Frequency.FORTNIGHTLY else "",
        crew=get["crew"],
        crew_finish_time=finish,
        line=line,
        contractor=get["contractor"],
    )
    return plan, "; ".join(problems)


def rounds_extract_read(text: str, columns: dict[str, str] | None = None) -> Extract:
    """Check a round extract; raise ExtractRefused listing every problem by line number."""
    columns = {**DEFAULT_COLUMNS, **{k: v for k, v in (columns or {}).items() if v}}
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headings = set(reader.fieldnames or [])
    missing = [
        f'The extract has no column "{heading}" for {name} (map the column that holds it).'
        for name, heading in columns.items()
        if heading not in headings and name not in OPTIONAL_COLUMNS
    ]
    if missing:
        raise ExtractRefused(missing)
    problems: list[str] = []
    rounds: dict[str, RoundPlan] = {}
    stops: dict[tuple[str, str], int] = {}  # (UPRN, stream) -> line
    wanted: dict[str, int] = {}  # UPRN -> first line naming it
    rows = 0
    for line, row in enumerate(reader, start=2):
        rows += 1
        if rows > MAX_ROWS:
            raise ExtractRefused([f"The extract has more than {MAX_ROWS} rows: split it."])
        plan, problem = _row_plan(row, columns, line)
        if problem:
            problems.append(f"Line {line}: {problem}.")
            continue
        uprn = row[columns["uprn"]].strip()
        known = rounds.setdefault(plan.code, plan)
        differs = known.same_as(plan) if known is not plan else ""
        if differs:
            problems.append(
                f"Line {line}: round {plan.code} has a different {differs} on line {known.line}."
            )
            continue
        if known.crew_finish_time is None:
            known.crew_finish_time = plan.crew_finish_time
        first = stops.setdefault((uprn, plan.stream), line)
        if first != line:
            problems.append(
                f"Line {line}: UPRN {uprn} already has a {plan.stream} round on line {first}."
            )
            continue
        known.uprns.append(uprn)
        wanted.setdefault(uprn, line)
    if rows == 0:
        problems.append("The extract has no rows under its headings.")
    named = {plan.contractor: plan.line for plan in rounds.values() if plan.contractor}
    known_partners = set(
        PartnerEndpoint.objects.filter(name__in=list(named)).values_list("name", flat=True)
    )
    for name, line in named.items():
        if name not in known_partners:
            problems.append(f"Line {line}: contractor {name} is not a partner set up here.")
    address_ids = dict(Address.objects.filter(uprn__in=list(wanted)).values_list("uprn", "id"))
    for uprn, line in wanted.items():
        if uprn not in address_ids:
            problems.append(f"Line {line}: UPRN {uprn} is not in the gazetteer.")
    if problems:
        problems.sort(key=_line_number)
        raise ExtractRefused(problems)
    return Extract(rounds=rounds, address_ids=address_ids, rows=rows)


def _line_number(problem: str) -> int:
    match = re.match(r"Line (\d+):", problem)
    return int(match.group(1)) if match else 0
