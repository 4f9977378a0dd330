"""Open pauses: a statutory clock standing still while the council waits for clarification
(FOI/EIR) or for proof of identity (SAR). Dates checked by hand."""

from datetime import date, datetime

import pytest

from townhall.accounts.models import Department
from townhall.catalogue.clocks import service_due_at
from townhall.catalogue.models import Service
from townhall.core.calendars import LONDON
from townhall.core.clocks import ClockKind, clock_compute

pytestmark = pytest.mark.django_db


def test_an_open_foi_pause_stands_the_clock_still_and_its_due_date_moves_on_each_day():
    received, asked = date(2026, 2, 2), date(2026, 2, 4)
    on_16th = clock_compute(
        kind=ClockKind.FOI, received=received, pauses=[(asked, None)], today=date(2026, 2, 16)
    )
    on_17th = clock_compute(
        kind=ClockKind.FOI, received=received, pauses=[(asked, None)], today=date(2026, 2, 17)
    )
    assert on_16th.paused and on_17th.paused
    # As if the clarification came today: 20 working days from then.
    assert on_16th.due == date(2026, 3, 16)
    # One more day paused moves it a working day: past St Patrick's Day (17 March, a bank
    # holiday in Northern Ireland, so not an FOI working day anywhere in the UK).
    assert on_17th.due == date(2026, 3, 18)
    assert on_16th.paused_days == 12
    assert "paused since 4 February 2026" in on_16th.explanation


def test_a_closed_pause_gives_the_same_due_date_as_an_open_one_ending_that_day():
    received, asked, answered = date(2026, 2, 2), date(2026, 2, 4), date(2026, 2, 16)
    closed = clock_compute(kind=ClockKind.FOI, received=received, pauses=[(asked, answered)])
    still_open = clock_compute(
        kind=ClockKind.FOI, received=received, pauses=[(asked, None)], today=answered
    )
    assert closed.due == still_open.due
    assert not closed.paused


def test_an_open_sar_pause_runs_the_month_from_the_day_identity_is_verified():
    clock = clock_compute(
        kind=ClockKind.SAR,
        received=date(2028, 1, 20),
        pauses=[(date(2028, 1, 20), None)],
        today=date(2028, 1, 31),
    )
    # Leap year: 31 January 2028 + one month is 29 February 2028 (a Tuesday).
    assert clock.paused and clock.due == date(2028, 2, 29)
    assert "until identity is verified" in clock.explanation


def test_only_the_last_pause_can_be_open():
    with pytest.raises(ValueError, match="Only the last pause"):
        clock_compute(
            kind=ClockKind.FOI,
            received=date(2026, 2, 2),
            pauses=[(date(2026, 2, 3), None), (date(2026, 2, 10), date(2026, 2, 12))],
        )


def test_a_complaint_clock_cannot_be_paused():
    with pytest.raises(ValueError, match="no pauses"):
        clock_compute(
            kind=ClockKind.COMPLAINT_STAGE_1,
            received=date(2026, 2, 2),
            pauses=[(date(2026, 2, 3), None)],
        )


def test_each_demo_service_takes_its_due_date_from_its_own_clock(db):
    department = Department.objects.create(slug="ig", name="Information governance")

    def service(kind: str, prefix: str, **extra) -> Service:
        return Service.objects.create(
            slug=f"s-{kind}",
            name=kind,
            summary=kind,
            department=department,
            reference_prefix=prefix,
            clock_kind=kind,
            **extra,
        )

    received = datetime(2026, 1, 30, 15, 0, tzinfo=LONDON)  # a Friday
    sar = service_due_at(service=service("sar", "SR"), received=received)
    foi = service_due_at(service=service("foi", "FI"), received=received)
    sla = service_due_at(
        service=service("sla", "SL", sla_days=30, sla_kind="calendar_days"), received=received
    )
    # SAR: 30 January → 28 February 2026 (no 30 February; a Saturday) → Monday 2 March.
    assert sar.date() == date(2026, 3, 2)
    # FOI: 20 working days (no holidays in February) → Friday 27 February.
    assert foi.date() == date(2026, 2, 27)
    # A 30-calendar-day SLA would have said 1 March: the clock kind matters.
    assert sla.date() == date(2026, 3, 1)
