"""Working-day arithmetic with UK bank holidays, offline (package `holidays`).

The workflow issue extends this into full statutory clocks; every due date in Townhall is
computed here, never ad hoc.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def bank_holidays(year: int, subdiv: str = "ENG") -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=subdiv, years=year).keys())


def is_working_day(day: date, subdiv: str = "ENG") -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year, subdiv)


def add_working_days(start: date, days: int, subdiv: str = "ENG") -> date:
    """The date `days` working days after `start` (the day of receipt is day 0)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, subdiv):
            remaining -= 1
    return current


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON)


def sla_due_at(received: datetime, days: int, working_days: bool) -> datetime:
    """When a request received at `received` is due under an SLA of `days`."""
    local_day = received.astimezone(LONDON).date()
    due = add_working_days(local_day, days) if working_days else local_day + timedelta(days=days)
    return end_of_day(due)
