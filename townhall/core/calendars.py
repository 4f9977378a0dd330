"""Working-day calendars for the four UK nations, offline (package `holidays`), plus the
council's own overrides (`CalendarOverride`, edited in the admin).

Two sorts of calendar:
- a nation's *statutory* calendar: weekends and that nation's bank holidays;
- a *council* calendar: the statutory one plus the council's closure days, for SLAs.
`FOIA` is the statutory union calendar of s.10(6) FOIA: a day that is a bank holiday in any
part of the UK is not a working day.

The package's holiday sets are cached per year and nation; overrides are read from the
database when a calendar is built (once per year it touches), so an edit in the admin takes
effect on the next computation in every process. Statutory clocks live in `clocks.py`.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.core.cache import cache

from townhall.core.memo import ProcessMemo
from townhall.core.models import CalendarOverride

LONDON = ZoneInfo("Europe/London")

NATIONS = ("eng", "wls", "sct", "nir")
FOIA = "foia"  # the union of the nations' bank holidays (s.10(6) FOIA)


@lru_cache(maxsize=256)
def bank_holidays(year: int, subdiv: str = "ENG") -> frozenset[date]:
    """A nation's bank holidays in `year` as the `holidays` package knows them (no overrides)."""
    return frozenset(holidays.country_holidays("GB", subdiv=subdiv.upper(), years=year).keys())


def _nations(calendar: str) -> tuple[str, ...]:
    calendar = calendar.lower()
    if calendar == FOIA:
        return NATIONS
    if calendar not in NATIONS:
        raise ValueError(f"Unknown calendar {calendar!r}: use one of {NATIONS + (FOIA,)}")
    return (calendar,)


OVERRIDES_CACHE_SECONDS = 300


VERSION_KEY = "calendar-overrides:version"


def _overrides_key(year: int) -> str:
    # A version in the key: one change clears every year at once (a moved date touches two).
    return f"calendar-overrides:{cache.get_or_set(VERSION_KEY, 1, None)}:{year}"


# On top of the shared cache, each process keeps a year's rows for CALENDAR_KEEP_SECONDS:
# a new closure day reaches due dates computed in other processes within that time.
_overrides_kept = ProcessMemo("CALENDAR_KEEP_SECONDS")


def calendar_overrides(year: int) -> list[tuple[date, str, str]]:
    """Every override row of a year, (date, calendar, kind). Every new case computes a due
    date, so the rows come from the cache; saving or deleting an override clears it."""
    return _overrides_kept.get(year, lambda: _calendar_overrides_shared(year))


def _calendar_overrides_shared(year: int) -> list[tuple[date, str, str]]:
    rows = cache.get(_overrides_key(year))
    if rows is None:
        rows = list(
            CalendarOverride.objects.filter(date__year=year).values_list("date", "calendar", "kind")
        )
        cache.set(_overrides_key(year), rows, OVERRIDES_CACHE_SECONDS)
    return rows


def calendar_overrides_forget() -> None:
    _overrides_kept.clear()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION_KEY, 2, None)


class WorkingCalendar:
    """Which days are working days in one calendar; build one per computation.

    `council=True` adds the council's closure days (SLAs); statutory clocks leave it off.
    """

    def __init__(self, calendar: str = "eng", *, council: bool = False) -> None:
        self.name = calendar.lower()
        self.nations = _nations(calendar)
        self.council = council and self.name != FOIA
        self._closed: dict[int, frozenset[date]] = {}

    def closed_days(self, year: int) -> frozenset[date]:
        """Weekdays in `year` that are not working days (holidays and, for SLAs, closures)."""
        if year not in self._closed:
            self._closed[year] = self._load(year)
        return self._closed[year]

    def _load(self, year: int) -> frozenset[date]:
        wanted = {*self.nations, CalendarOverride.Calendar.ALL}
        rows = [row for row in calendar_overrides(year) if row[1] in wanted]
        closed: set[date] = set()
        for nation in self.nations:
            # A day is a holiday in the union if it is one in any nation, after that
            # nation's corrections.
            days = set(bank_holidays(year, nation))
            for day, calendar, kind in rows:
                if calendar not in (nation, CalendarOverride.Calendar.ALL):
                    continue
                if kind == CalendarOverride.Kind.EXTRA_HOLIDAY:
                    days.add(day)
                elif kind == CalendarOverride.Kind.WORKING_DAY_EXCEPTION:
                    days.discard(day)
            closed |= days
        if self.council:
            closed |= {d for d, _, kind in rows if kind == CalendarOverride.Kind.COUNCIL_CLOSURE}
        return frozenset(closed)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed_days(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (the day of receipt is day 0)."""
        current = start
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the last working day before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day


def is_working_day(day: date, subdiv: str = "ENG") -> bool:
    """Whether `day` is a working day in a nation's statutory calendar (with overrides)."""
    return WorkingCalendar(subdiv).is_working_day(day)


def add_working_days(start: date, days: int, subdiv: str = "ENG") -> date:
    """The date `days` working days after `start` (the day of receipt is day 0)."""
    return WorkingCalendar(subdiv).add_working_days(start, days)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON)
