"""Every statutory and SLA clock in Townhall, computed here and nowhere else.

`clock_compute(kind=..., received=..., pauses=..., extended=...)` returns a `Clock`: when the
request is due, when it becomes "at risk" (80% of its time gone), and a one-line explanation
an officer can read. Dates are local (Europe/London) calendar dates; the day of receipt is
day 0 for working-day clocks.
"""

import calendar as _calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from townhall.core.calendars import FOIA, LONDON, WorkingCalendar, end_of_day

# A clock is "at risk" once this share of its time has gone.
AT_RISK_FRACTION = 0.8

FOI_DAYS = 20
FOI_PUBLIC_INTEREST_EXTRA_DAYS = 20
EIR_DAYS = 20
EIR_EXTENDED_DAYS = 40
COMPLAINT_STAGE_1_DAYS = 10
COMPLAINT_STAGE_2_DAYS = 20

# (paused_from, resumed_on); the last pause may still be open (resumed_on None): the clock
# is then standing still and its due date is provisional, as if it resumed on `today`.
Pause = tuple[date, date | None]


class ClockKind(StrEnum):
    FOI = "foi"
    EIR = "eir"
    SAR = "sar"
    COMPLAINT_STAGE_1 = "complaint_stage_1"
    COMPLAINT_STAGE_2 = "complaint_stage_2"
    SLA = "sla"


@dataclass(frozen=True)
class Clock:
    kind: ClockKind
    received: date
    due: date
    at_risk: date
    paused_days: int  # calendar days spent paused (clarification, identity checks)
    extended: bool
    explanation: str
    paused: bool = False  # an open pause: `due` moves on for each day the clock stands still


def _check_pauses(
    received: date, pauses: Sequence[Pause], today: date | None = None
) -> tuple[list[tuple[date, date]], int, bool]:
    """Pauses in order with an open last pause closed on `today` (or on the day it began when
    `today` is earlier or not given), the calendar days paused, and whether one is open."""
    ordered = sorted(pauses, key=lambda pause: pause[0])
    closed: list[tuple[date, date]] = []
    previous_end = received
    is_open = False
    for index, (paused_from, resumed_on) in enumerate(ordered):
        if resumed_on is None:
            if index != len(ordered) - 1:
                raise ValueError(f"Only the last pause can still be open, not {paused_from}")
            is_open = True
            resumed_on = max(paused_from, today or paused_from)
        if paused_from < previous_end or resumed_on < paused_from:
            raise ValueError(
                f"Pause {paused_from}–{resumed_on} must start on or after {previous_end} "
                "and end on or after it starts"
            )
        closed.append((paused_from, resumed_on))
        previous_end = resumed_on
    return closed, sum((end - start).days for start, end in closed), is_open


def _working_day_at_risk(cal: WorkingCalendar, start: date, days: int) -> date:
    return cal.add_working_days(start, math.floor(days * AT_RISK_FRACTION))


def _calendar_at_risk(start: date, due: date, cal: WorkingCalendar | None) -> date:
    at_risk = start + timedelta(days=math.floor((due - start).days * AT_RISK_FRACTION))
    if cal is None:
        return at_risk
    return max(start, cal.previous_working_day(at_risk))


def add_months(day: date, months: int) -> date:
    """The corresponding date `months` later; the last day of that month when there is none."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    last = _calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last))


def clock_foi(
    received: date, pauses: Sequence[Pause] = (), extended: bool = False, today: date | None = None
) -> Clock:
    """FOIA s.10: 20 working days, where by s.10(6) a working day is not a weekend, Christmas
    Day, Good Friday or a bank holiday in *any* part of the UK; the day of receipt is day 0.

    Clarification (s.1(3)): the authority need not comply until it has the clarification, so
    the 20 days restart from day 1 on the working day after it arrives (ICO guidance); only the
    last pause's `resumed_on` matters. Public-interest extension (s.10(3)): 20 more working
    days, the most the ICO accepts.
    """
    return _statutory_working_days(
        ClockKind.FOI,
        "FOI: 20 working days (s.10 FOIA)",
        received,
        pauses,
        extended,
        FOI_DAYS,
        FOI_DAYS + FOI_PUBLIC_INTEREST_EXTRA_DAYS,
        "public-interest extension of 20 working days",
        today,
    )


def clock_eir(
    received: date, pauses: Sequence[Pause] = (), extended: bool = False, today: date | None = None
) -> Clock:
    """EIR reg 5(2): 20 working days, extendable to 40 for complex or voluminous requests
    (reg 7). "Working day" is read as in s.10(6) FOIA (the UK-wide union of bank holidays);
    clarification (reg 9) restarts the clock as for FOI.
    """
    return _statutory_working_days(
        ClockKind.EIR,
        "EIR: 20 working days (reg 5 EIR)",
        received,
        pauses,
        extended,
        EIR_DAYS,
        EIR_EXTENDED_DAYS,
        "extended to 40 working days (reg 7)",
        today,
    )


def _statutory_working_days(
    kind: ClockKind,
    label: str,
    received: date,
    pauses: Sequence[Pause],
    extended: bool,
    days: int,
    extended_days: int,
    extension_note: str,
    today: date | None = None,
) -> Clock:
    ordered, paused_days, is_open = _check_pauses(received, pauses, today)
    start = ordered[-1][1] if ordered else received
    total = extended_days if extended else days
    cal = WorkingCalendar(FOIA)
    notes = [f"{label}; working days exclude bank holidays anywhere in the UK"]
    if is_open:
        notes.append(
            f"paused since {ordered[-1][0]:%-d %B %Y} waiting for clarification: the 20 days "
            "start again when it arrives"
        )
    elif ordered:
        notes.append(f"restarted on receipt of clarification on {start:%-d %B %Y}")
    if extended:
        notes.append(extension_note)
    return Clock(
        kind=kind,
        received=received,
        due=cal.add_working_days(start, total),
        at_risk=_working_day_at_risk(cal, start, total),
        paused_days=paused_days,
        extended=extended,
        explanation="; ".join(notes) + ".",
        paused=is_open,
    )


def clock_sar(
    received: date,
    pauses: Sequence[Pause] = (),
    extended: bool = False,
    calendar: str = "eng",
    today: date | None = None,
) -> Clock:
    """UK GDPR Art. 12(3) as the ICO reads it: one calendar month from the day of receipt to
    the corresponding date (the month's last day when there is none), moved to the next
    working day when it falls on a weekend or bank holiday; extendable by two further months.

    The clock starts when identity is verified: with a verification pause, the last pause's
    `resumed_on` is taken as the day of receipt.
    """
    ordered, paused_days, is_open = _check_pauses(received, pauses, today)
    start = ordered[-1][1] if ordered else received
    cal = WorkingCalendar(calendar)
    due = cal.next_working_day(add_months(start, 3 if extended else 1))
    notes = ["SAR: one calendar month (UK GDPR Art. 12(3)) to the corresponding date"]
    if is_open:
        notes.append(
            f"paused since {ordered[-1][0]:%-d %B %Y} until identity is verified: the month "
            "runs from the day it is"
        )
    elif ordered:
        notes.append(f"counted from identity verified on {start:%-d %B %Y}")
    if extended:
        notes.append("extended by two further months")
    return Clock(
        kind=ClockKind.SAR,
        received=received,
        due=due,
        at_risk=_calendar_at_risk(start, due, cal),
        paused_days=paused_days,
        extended=extended,
        explanation="; ".join(notes) + ".",
        paused=is_open,
    )


def clock_complaint(received: date, stage: int, calendar: str = "eng") -> Clock:
    """The council's complaints procedure (Ombudsman code): stage 1 answered in 10 working
    days; a stage 2 review in 20 working days from the request for it. Council closures count.
    """
    days = {1: COMPLAINT_STAGE_1_DAYS, 2: COMPLAINT_STAGE_2_DAYS}[stage]
    cal = WorkingCalendar(calendar, council=True)
    return Clock(
        kind=ClockKind.COMPLAINT_STAGE_1 if stage == 1 else ClockKind.COMPLAINT_STAGE_2,
        received=received,
        due=cal.add_working_days(received, days),
        at_risk=_working_day_at_risk(cal, received, days),
        paused_days=0,
        extended=False,
        explanation=f"Complaint stage {stage}: {days} working days.",
    )


def clock_sla(received: date, days: int, working_days: bool, calendar: str = "eng") -> Clock:
    """A service's own target: `days` working days (council calendar, closures count) or
    calendar days after receipt; at risk once 80% of the time has gone, rounded down to a
    whole working day for working-day SLAs.
    """
    if working_days:
        cal = WorkingCalendar(calendar, council=True)
        due = cal.add_working_days(received, days)
        at_risk = _working_day_at_risk(cal, received, days)
        unit = "working days"
    else:
        due = received + timedelta(days=days)
        at_risk = _calendar_at_risk(received, due, None)
        unit = "calendar days"
    return Clock(
        kind=ClockKind.SLA,
        received=received,
        due=due,
        at_risk=at_risk,
        paused_days=0,
        extended=False,
        explanation=f"Service target: {days} {unit}.",
    )


def sla_due_at(received: datetime, days: int, working_days: bool) -> datetime:
    """When a request received at `received` is due under an SLA of `days` (England,
    with council closures): the end of the due day, from `clock_sla`."""
    local_day = received.astimezone(LONDON).date()
    return end_of_day(clock_sla(local_day, days, working_days).due)


def clock_compute(
    *,
    kind: ClockKind | str,
    received: date,
    pauses: Sequence[Pause] = (),
    extended: bool = False,
    days: int | None = None,
    working_days: bool = True,
    calendar: str = "eng",
    today: date | None = None,
) -> Clock:
    """The one entry point: the clock of `kind` for a request received on `received`.

    `pauses` are (paused_from, resumed_on) periods: clarification for FOI/EIR, identity
    verification for SAR. `days`/`working_days` are the target of an SLA clock; `calendar` is
    the nation for SAR, complaints and SLAs (FOI and EIR always use the UK-wide union).
    The last pause may be open (`resumed_on` None): the clock is then `paused` and its due
    date is provisional, computed as if it resumed on `today`.
    """
    kind = ClockKind(kind)
    if kind in (ClockKind.COMPLAINT_STAGE_1, ClockKind.COMPLAINT_STAGE_2, ClockKind.SLA) and (
        pauses or extended
    ):
        raise ValueError(f"A {kind} clock has no pauses or extension")
    match kind:
        case ClockKind.FOI:
            return clock_foi(received, pauses, extended, today)
        case ClockKind.EIR:
            return clock_eir(received, pauses, extended, today)
        case ClockKind.SAR:
            return clock_sar(received, pauses, extended, calendar, today)
        case ClockKind.COMPLAINT_STAGE_1:
            return clock_complaint(received, 1, calendar)
        case ClockKind.COMPLAINT_STAGE_2:
            return clock_complaint(received, 2, calendar)
        case ClockKind.SLA:
            if days is None:
                raise ValueError("An SLA clock needs `days`")
            return clock_sla(received, days, working_days, calendar)
