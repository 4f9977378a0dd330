"""The waste calendar: which bins are emptied at an address on which days, and why a day
moved. Everything comes from one place so the bin-day page, the ICS feed, the open API and
(later) missed-bin reports agree.

Rules, as the council publishes them:
- a weekly round collects on its weekday; a fortnightly one in week A or week B, counted in
  whole weeks from WEEK_A_MONDAY (ISO week numbers would break in a 53-week year such as 2026);
- in the weeks of the Christmas and New Year bank holidays, a collection on or after a bank
  holiday of that week is a day later (and one more day if that day is a bank holiday too);
- a one-off change (RoundChange) then cancels that day, moves it, or names another crew.

`schedule()` is pure: rounds, changes and bank holidays in, dated collections out.
`collections_for()` reads what one address needs (two queries) and calls it.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from townhall.core.calendars import LONDON, bank_holidays
from townhall.core.languages import LazyText
from townhall.places.models import Address
from townhall.waste import hooks
from townhall.waste.models import Round, RoundChange, Stream

WEEK_A_MONDAY = date(2026, 1, 5)
STREAM_ORDER = {stream.value: index for index, stream in enumerate(Stream)}


@dataclass(frozen=True)
class Collection:
    """One stream's collection at an address. `scheduled` is the round's usual day (what the
    ICS UID is made of, so a moved collection updates rather than duplicates)."""

    date: dt.date
    stream: str
    round_code: str
    scheduled: dt.date
    crew: str
    crew_finish_time: time
    cancelled: bool = False
    reason: "LazyText | BankHolidayMove" = ""
    changed_at: datetime | None = None  # when its round or one-off change last changed
    revision: int = 0  # one for a bank-holiday move, one for a one-off change (ICS SEQUENCE)

    @property
    def moved(self) -> bool:
        return self.date != self.scheduled and not self.cancelled

    @property
    def stream_label(self) -> LazyText:
        return Stream(self.stream).label

    @property
    def finishes_at(self) -> datetime:
        return datetime.combine(self.date, self.crew_finish_time, tzinfo=LONDON)


def week_a_monday() -> date:
    return getattr(settings, "WASTE_WEEK_A_MONDAY", WEEK_A_MONDAY)


def is_week_a(day: date) -> bool:
    """Whether `day` falls in week A of the council's fortnight."""
    monday = day - timedelta(days=day.weekday())
    return (monday - week_a_monday()).days // 7 % 2 == 0


def festive_bank_holidays(start: date, end: date) -> dict[date, str]:
    """England's Christmas and New Year bank holidays (with substitute days) between two dates,
    with the name residents know them by."""
    found: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        for day in bank_holidays(year):
            # Weekend dates are dropped: their substitute weekdays are in the set too.
            if day.weekday() < 5 and (
                (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day <= 4)
            ):
                found[day] = "Christmas" if day.month == 12 else "New Year"
    return found


# As they read after "because of the ... bank holiday" (Welsh: "gŵyl banc y Nadolig").
HOLIDAY_NAMES = {
    "Christmas": pgettext_lazy("bank holiday", "Christmas"),
    "New Year": pgettext_lazy("bank holiday", "New Year"),
}


@dataclass(frozen=True)
class BankHolidayMove:
    """Why a collection is a day late, put into words in the language of whoever reads it.
    Kept in the cache with the bin day: a lazy text there would rebuild its proxy class each
    time it is unpickled (~0.3 ms apiece, on every My Account page in December)."""

    holiday: str  # a key of HOLIDAY_NAMES

    def __str__(self) -> str:
        return gettext("A day later than usual because of the {holiday} bank holiday.").format(
            holiday=HOLIDAY_NAMES.get(self.holiday, self.holiday)
        )


def holiday_shift(day: date, holidays: dict[date, str]) -> tuple[date, "BankHolidayMove | str"]:
    """The day a collection due on `day` is made, and why, after bank-holiday moves."""
    monday = day - timedelta(days=day.weekday())
    earlier = sorted(h for h in holidays if monday <= h <= day)
    if not earlier:
        return day, ""
    moved = day + timedelta(days=1)
    while moved in holidays:
        moved += timedelta(days=1)
    return moved, BankHolidayMove(holidays[earlier[-1]])


def _round_days(round_: Round, start: date, end: date) -> Iterable[date]:
    first = start + timedelta(days=(round_.weekday - start.weekday()) % 7)
    day = first
    while day <= end:
        if round_.frequency == Round.Frequency.WEEKLY or (round_.week == "A") == is_week_a(day):
            yield day
        day += timedelta(days=7)


def schedule(
    rounds: Iterable[Round],
    changes: Iterable[RoundChange],
    start: date,
    end: date,
    holidays: dict[date, str],
) -> list[Collection]:
    """Every collection of `rounds` made (or cancelled) between `start` and `end` inclusive,
    by date then stream. Pure: it reads only its arguments."""
    by_day = {(change.round_id, change.date): change for change in changes}
    # Look a week either side: a move can carry a collection across the range's edge.
    margin = timedelta(days=7)
    found: list[Collection] = []
    for round_ in rounds:
        for scheduled in _round_days(round_, start - margin, end + margin):
            day, reason = holiday_shift(scheduled, holidays)
            revision = int(day != scheduled)
            crew, cancelled, changed_at = round_.crew, False, round_.updated_at
            change = by_day.get((round_.pk, day))
            if change is not None:
                changed_at = max(change.updated_at, round_.updated_at)
                revision += 1
                reason = change.reason
                if change.kind == RoundChange.Kind.CANCELLED:
                    cancelled = True
                elif change.kind == RoundChange.Kind.MOVED and change.new_date:
                    day = change.new_date
                if change.crew:
                    crew = change.crew
            if start <= day <= end:
                found.append(
                    Collection(
                        date=day,
                        stream=round_.stream,
                        round_code=round_.code,
                        scheduled=scheduled,
                        crew=crew,
                        crew_finish_time=round_.crew_finish_time,
                        cancelled=cancelled,
                        reason=reason,
                        changed_at=changed_at,
                        revision=revision,
                    )
                )
    found.sort(key=lambda c: (c.date, STREAM_ORDER.get(c.stream, 99), c.round_code))
    return found


def collections_for(
    address: Address, start: date, end: date, *, garden: bool | None = None
) -> list[Collection]:
    """The collections at `address` from `start` to `end` inclusive. Garden waste only when
    the address subscribes (`garden`, or else the registered check of waste.hooks)."""
    rounds = list(Round.objects.filter(stops__address=address))
    # Without an answer given, ask the registered check on the first and the last day: a
    # permit that starts or ends inside the window is then asked about each garden day, so an
    # expired subscription stops the collections from the day it ends.
    per_day = False
    if garden is None and any(r.stream == Stream.GARDEN for r in rounds):
        first, last = hooks.garden_subscribed(address, start), hooks.garden_subscribed(address, end)
        garden, per_day = first or last, first != last
    if not garden:
        rounds = [r for r in rounds if r.stream != Stream.GARDEN]
    if not rounds:
        return []
    margin = timedelta(days=14)
    changes = RoundChange.objects.filter(
        round__in=rounds, date__range=(start - margin, end + margin)
    )
    found = schedule(
        rounds, changes, start, end, festive_bank_holidays(start - margin, end + margin)
    )
    if per_day:
        found = [
            c
            for c in found
            if c.stream != Stream.GARDEN or hooks.garden_subscribed(address, c.date)
        ]
    return found


def last_collection(
    address: Address, stream: str, now: datetime | None = None
) -> Collection | None:
    """The most recent collection of `stream` at `address` whose crew should have finished by
    `now` (cancelled days skipped): what a missed-bin report is checked against."""
    now = now or timezone.now()
    today = now.astimezone(LONDON).date()
    past = collections_for(
        address,
        today - timedelta(days=28),
        today,
        garden=None if stream == Stream.GARDEN else False,
    )
    done = [c for c in past if c.stream == stream and not c.cancelled and c.finishes_at <= now]
    return done[-1] if done else None
