"""Is a missed bin reportable yet, still, or at all? The answer a missed-bin report starts
from, read from the same calendar the bin-day page shows and from what the crew reported.

- too early: the collection is due today and the crew's finish time has not passed;
- not put out: the crew reported the bin not put out on its last collection day;
- too late: the council's window (working days after the collection day) has closed;
- in window: a case is made, due counted from the collection day;
- no round: this address has no round for that bin (or none in the last four weeks).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext

from townhall.core.calendars import LONDON, add_working_days
from townhall.core.languages import clock_text, day_text
from townhall.places.models import Address
from townhall.waste.calendar import Collection, collections_for, last_collection
from townhall.waste.generation import waste_generation
from townhall.waste.models import CrewResult, Round, Stream

# Report a missed bin within this many working days after the collection day.
DEFAULT_REPORT_WORKING_DAYS = 2
# Where a round's crew takes a return job when the round names no contractor of its own.
DEFAULT_CONTRACTOR = "waste_contractor"


class Verdict(StrEnum):
    TOO_EARLY = "too_early"
    NOT_PUT_OUT = "not_put_out"
    TOO_LATE = "too_late"
    IN_WINDOW = "in_window"
    NO_ROUND = "no_round"


@dataclass(frozen=True)
class MissedCheck:
    verdict: Verdict
    collection: Collection | None = None  # the collection the report is about
    report_from: datetime | None = None  # too early: when a report is taken
    report_by: date | None = None  # the window's last day
    crew_note: str = ""
    contractor: str = ""


def report_working_days() -> int:
    return int(getattr(settings, "WASTE_MISSED_REPORT_WORKING_DAYS", DEFAULT_REPORT_WORKING_DAYS))


# Both go into the form's texts ("{collection_day}"), so they are in the page's language.
def _when(moment: datetime, today: date) -> str:
    """ "3pm today", "3:30pm on Monday 7 December", in the resident's language."""
    local = moment.astimezone(LONDON)
    if local.date() == today:
        return gettext("%(time)s today") % {"time": clock_text(local)}
    return gettext("%(time)s on %(day)s") % {
        "time": clock_text(local),
        "day": day_text(local.date(), year=False),
    }


def _day(day: date) -> str:
    return day_text(day, year=False)


def missed_collection_check(
    address: Address, stream: str, now: datetime | None = None
) -> MissedCheck:
    """Whether a missed `stream` bin at `address` can be reported at `now`, against the
    collection it is about (see the module's docstring for the verdicts)."""
    now = now or timezone.now()
    today = now.astimezone(LONDON).date()
    todays = [
        c
        for c in collections_for(
            address, today, today, garden=None if stream == "garden" else False
        )
        if c.stream == stream and not c.cancelled
    ]
    if todays and todays[0].finishes_at > now:
        return MissedCheck(Verdict.TOO_EARLY, todays[0], report_from=todays[0].finishes_at)
    last = last_collection(address, stream, now)
    if last is None:
        return MissedCheck(Verdict.NO_ROUND)
    report_by = add_working_days(last.date, report_working_days())
    round_ = Round.objects.filter(code=last.round_code).only("contractor").first()
    contractor = (round_.contractor if round_ else "") or getattr(
        settings, "WASTE_DEFAULT_CONTRACTOR", DEFAULT_CONTRACTOR
    )
    if today > report_by:
        return MissedCheck(Verdict.TOO_LATE, last, report_by=report_by, contractor=contractor)
    result = (
        CrewResult.objects.filter(
            address=address,
            stream=stream,
            occurred_at__date__gte=last.date,
        )
        .order_by("-occurred_at")
        .first()
    )
    if result is not None and result.outcome == CrewResult.Outcome.NOT_PUT_OUT:
        return MissedCheck(
            Verdict.NOT_PUT_OUT,
            last,
            report_by=report_by,
            crew_note=result.note,
            contractor=contractor,
        )
    return MissedCheck(Verdict.IN_WINDOW, last, report_by=report_by, contractor=contractor)


def missed_collection_answers(address: Address, stream: str, now: datetime | None = None) -> dict:
    """The check as short answers a form can branch on, show in its text and keep on the
    case: `collection_check` (the verdict), `collection_date` (ISO), `collection_day`,
    `collection_crew`, `collection_round`, `collection_contractor`, `crew_note`,
    `report_from`, `report_by`, and `sla_from` (the collection day: the case's SLA counts
    from it)."""
    now = now or timezone.now()
    today = now.astimezone(LONDON).date()
    check = missed_collection_check(address, stream, now)
    found = check.collection
    return {
        "collection_check": check.verdict.value,
        "collection_date": found.date.isoformat() if found else "",
        "collection_day": _day(found.date) if found else "",
        "collection_crew": found.crew if found else "",
        "collection_round": found.round_code if found else "",
        "collection_contractor": check.contractor,
        "crew_note": check.crew_note,
        "report_from": _when(check.report_from, today) if check.report_from else "",
        "report_by": _day(check.report_by) if check.report_by else "",
        "sla_from": found.date.isoformat() if found and check.verdict != Verdict.TOO_EARLY else "",
    }


# What `missed_collection_answers` gives, with the values a form may branch on.
MISSED_COLLECTION_OUTPUTS: dict[str, list[str]] = {
    "collection_check": [verdict.value for verdict in Verdict],
    "collection_date": [],
    "collection_day": [],
    "collection_crew": [],
    "collection_round": [],
    "collection_contractor": [],
    "crew_note": [],
    "report_from": [],
    "report_by": [],
    "sla_from": [],
}


def missed_collection_lookup(address: Any, stream: Any) -> dict[str, str]:
    """A form's lookup: `address` is an address answer ({"uprn": ...}), `stream` a bin."""
    uprn = address.get("uprn") if isinstance(address, dict) else None
    found = Address.objects.filter(uprn=uprn).first() if uprn else None
    if found is None or stream not in Stream.values:
        return {"collection_check": Verdict.NO_ROUND.value}
    return missed_collection_answers(found, stream)


@dataclass(frozen=True)
class Reportable:
    stream: str
    label: str
    collection: Collection


# Kept as long as the bin day (waste.selectors): the generation, not the timeout, decides.
PAST_KEEP_SECONDS = 6 * 3600


def _past_collections(address: Address, today: date) -> list[Collection]:
    """The last four weeks' collections at `address`, computed once a day per waste generation
    (every round, stop, one-off change or permit that changes a collection bumps it): My
    Account asks on every visit, and working the calendar out is most of that page's cost."""
    key = f"waste:past:{waste_generation()}:{address.uprn}:{today}"
    found = cache.get(key)
    if found is None:
        found = collections_for(address, today - timedelta(days=28), today)
        cache.set(key, found, PAST_KEEP_SECONDS)
    return found


def missed_reportable(address: Address, now: datetime | None = None) -> list[Reportable]:
    """The bins at `address` a missed collection can be reported for now (in the window,
    the crew finished, and no crew report of the bin not put out): what a resident's home
    page offers to report. A few queries for every bin together."""
    now = now or timezone.now()
    today = now.astimezone(LONDON).date()
    past = _past_collections(address, today)
    last: dict[str, Collection] = {}
    waiting: set[str] = set()
    for collection in past:
        if collection.cancelled:
            continue
        if collection.finishes_at <= now:
            last[collection.stream] = collection  # in date order: the latest wins
        elif collection.date == today:
            waiting.add(collection.stream)
    days = report_working_days()
    open_ = {
        stream: c
        for stream, c in last.items()
        if stream not in waiting and today <= add_working_days(c.date, days)
    }
    if not open_:
        return []
    earliest = min(c.date for c in open_.values())
    not_out = {
        (stream, when.astimezone(LONDON).date())
        for stream, when in CrewResult.objects.filter(
            address=address,
            stream__in=list(open_),
            outcome=CrewResult.Outcome.NOT_PUT_OUT,
            occurred_at__date__gte=earliest,
        ).values_list("stream", "occurred_at")
    }
    return [
        Reportable(stream=stream, label=str(Stream(stream).label), collection=c)
        for stream, c in sorted(open_.items(), key=lambda item: item[1].date)
        if not any(s == stream and day >= c.date for s, day in not_out)
    ]
