"""Branching conditions over any answer: text, numbers, dates, choices, yes/no."""

import re
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from townhall.core.calendars import add_working_days


def _is_answered(value: Any) -> bool:
    return value not in (None, "", [], {})


def _as_number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# "today", "today-2d", "today+14d" (calendar days) or "today+10wd" (working days in England
# and Wales: statutory notice periods such as a temporary event notice's count those).
RELATIVE_DAY = re.compile(r"^today(?:([+-])(\d{1,4})(wd|d))?$")


def relative_date(value: Any, today: date) -> date | None:
    """An ISO date, or a day relative to `today` ("today", "today-2d", "today+14d",
    "today+10wd"), as a date; None for anything else."""
    if not isinstance(value, str):
        return None
    relative = RELATIVE_DAY.match(value)
    if relative:
        sign, days, unit = relative.groups()
        count = int(days or 0)
        if unit == "wd":
            # Notice periods count forwards; nothing needs working days back from today.
            return add_working_days(today, count) if sign == "+" else None
        return today + timedelta(days=count * (-1 if sign == "-" else 1))
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _as_date(value: Any) -> date | None:
    return relative_date(value, timezone.localdate())


def _ordered(op: str, a: Any, b: Any) -> bool:
    if op in ("gt", "after"):
        return a > b
    if op == "gte":
        return a >= b
    if op in ("lt", "before"):
        return a < b
    return a <= b


def _compare(op: str, left: Any, right: Any) -> bool:
    """Numbers compare as numbers, dates as dates; anything else never matches."""
    x, y = _as_number(left), _as_number(right)
    if x is not None and y is not None:
        return _ordered(op, x, y)
    d, e = _as_date(left), _as_date(right)
    if d is not None and e is not None:
        return _ordered(op, d, e)
    return False


def condition_holds(condition: dict, answers: dict) -> bool:
    if "all" in condition:
        return all(condition_holds(part, answers) for part in condition["all"])
    if "any" in condition:
        return any(condition_holds(part, answers) for part in condition["any"])
    if "not" in condition:
        return not condition_holds(condition["not"], answers)
    value = answers.get(condition["field"])
    op = condition["op"]
    target = condition.get("value")
    if op == "answered":
        return _is_answered(value)
    if op == "not_answered":
        return not _is_answered(value)
    if not _is_answered(value):
        return False
    if op == "eq":
        return value == target or (isinstance(value, int | float) and _as_number(target) == value)
    if op == "ne":
        return value != target
    if op == "in":
        return value in (target or [])
    if op == "not_in":
        return value not in (target or [])
    if op == "contains":
        if isinstance(value, list):
            return target in value
        return str(target).lower() in str(value).lower()
    if op == "matches":
        return re.search(str(target), str(value), flags=re.IGNORECASE) is not None
    return _compare(op, value, target)
