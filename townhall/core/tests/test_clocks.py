"""Statutory and SLA clocks, against real UK bank holidays (dates checked by hand)."""

from datetime import date, datetime

import pytest

from townhall.core.calendars import LONDON, WorkingCalendar
from townhall.core.clocks import ClockKind, add_months, clock_compute, sla_due_at
from townhall.core.models import CalendarOverride

pytestmark = pytest.mark.django_db


def foi_due(received: date, **kwargs) -> date:
    return clock_compute(kind=ClockKind.FOI, received=received, **kwargs).due


def english_sla_due(received: date, days: int) -> date:
    return clock_compute(kind=ClockKind.SLA, received=received, days=days).due


def sar_due(received: date, **kwargs) -> date:
    return clock_compute(kind=ClockKind.SAR, received=received, **kwargs).due


def override(day: date, kind: str, calendar: str = "all") -> CalendarOverride:
    return CalendarOverride.objects.create(date=day, kind=kind, calendar=calendar)


# FOI and EIR


def test_foi_over_christmas_and_new_year_skips_christmas_boxing_day_and_both_new_year_holidays():
    # 25, 26 Dec 2025, 1 Jan 2026 and (Scotland) 2 Jan 2026 are not working days.
    assert foi_due(date(2025, 12, 10)) == date(2026, 1, 13)


def test_foi_over_easter_skips_good_friday_and_easter_monday():
    assert foi_due(date(2026, 3, 23)) == date(2026, 4, 22)


def test_foi_day_of_receipt_is_day_zero():
    clock = clock_compute(kind="foi", received=date(2026, 2, 2))
    assert clock.due == date(2026, 3, 2)
    assert clock.paused_days == 0
    assert not clock.extended


def test_scottish_second_of_january_stops_the_foi_clock_in_england():
    assert foi_due(date(2025, 12, 29)) == date(2026, 1, 28)


def test_scottish_second_of_january_does_not_move_an_english_sla():
    assert english_sla_due(date(2025, 12, 29), 20) == date(2026, 1, 27)


def test_st_andrews_day_on_a_weekday_stops_the_foi_clock_in_england():
    # 30 November 2026 is a Monday.
    assert foi_due(date(2026, 11, 16)) == date(2026, 12, 15)


def test_st_andrews_day_does_not_move_an_english_sla():
    assert english_sla_due(date(2026, 11, 16), 20) == date(2026, 12, 14)


def test_st_patricks_day_stops_the_foi_clock_in_england():
    assert foi_due(date(2026, 3, 2)) == date(2026, 3, 31)


def test_st_patricks_day_does_not_move_an_english_sla():
    assert english_sla_due(date(2026, 3, 2), 20) == date(2026, 3, 30)


def test_twelfth_of_july_stops_the_foi_clock_in_england():
    # 12 July 2027 is a Monday.
    assert foi_due(date(2027, 6, 28)) == date(2027, 7, 27)


def test_twelfth_of_july_does_not_move_an_english_sla():
    assert english_sla_due(date(2027, 6, 28), 20) == date(2027, 7, 26)


def test_foi_clarification_restarts_the_clock_from_day_one_on_receipt_of_clarification():
    clock = clock_compute(
        kind=ClockKind.FOI,
        received=date(2026, 2, 2),
        pauses=[(date(2026, 2, 4), date(2026, 2, 16))],
    )
    assert clock.due == date(2026, 3, 16)
    assert clock.paused_days == 12
    assert "clarification" in clock.explanation


def test_foi_pause_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        foi_due(date(2026, 2, 2), pauses=[(date(2026, 2, 10), date(2026, 2, 4))])


def test_foi_public_interest_extension_adds_twenty_working_days():
    clock = clock_compute(kind=ClockKind.FOI, received=date(2026, 3, 2), extended=True)
    assert clock.due == date(2026, 4, 30)
    assert clock.extended


def test_eir_is_twenty_working_days_on_the_uk_wide_calendar():
    assert clock_compute(kind="eir", received=date(2026, 3, 2)).due == date(2026, 3, 31)


def test_eir_extension_gives_forty_working_days():
    clock = clock_compute(kind="eir", received=date(2026, 3, 2), extended=True)
    assert clock.due == date(2026, 4, 30)


# SAR


def test_add_months_gives_the_last_day_of_a_shorter_month():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_sar_received_31_january_in_a_leap_year_is_due_29_february():
    assert sar_due(date(2028, 1, 31)) == date(2028, 2, 29)


def test_sar_received_31_january_in_a_non_leap_year_is_due_28_february():
    assert sar_due(date(2025, 1, 31)) == date(2025, 2, 28)


def test_sar_due_on_28_february_2027_a_sunday_moves_to_monday_1_march():
    assert sar_due(date(2027, 1, 31)) == date(2027, 3, 1)


def test_sar_due_on_a_saturday_moves_to_the_monday():
    # 10 October 2026 is a Saturday.
    assert sar_due(date(2026, 9, 10)) == date(2026, 10, 12)


def test_sar_due_on_a_bank_holiday_monday_moves_to_the_tuesday():
    # 6 April 2026 is Easter Monday.
    assert sar_due(date(2026, 3, 6)) == date(2026, 4, 7)


def test_sar_is_due_on_the_corresponding_date_next_month():
    assert sar_due(date(2025, 9, 3)) == date(2025, 10, 3)


def test_sar_extension_adds_two_further_months():
    clock = clock_compute(kind=ClockKind.SAR, received=date(2025, 9, 3), extended=True)
    assert clock.due == date(2025, 12, 3)
    assert clock.extended


def test_sar_clock_starts_when_identity_is_verified():
    clock = clock_compute(
        kind=ClockKind.SAR,
        received=date(2026, 3, 2),
        pauses=[(date(2026, 3, 2), date(2026, 3, 10))],
    )
    assert clock.due == date(2026, 4, 10)
    assert clock.paused_days == 8


# Complaints and SLAs


def test_complaint_stage_one_is_due_in_ten_working_days():
    clock = clock_compute(kind=ClockKind.COMPLAINT_STAGE_1, received=date(2026, 3, 2))
    assert clock.due == date(2026, 3, 16)


def test_complaint_stage_two_is_due_twenty_working_days_after_the_review_request():
    # Good Friday and Easter Monday 2026 fall inside.
    clock = clock_compute(kind=ClockKind.COMPLAINT_STAGE_2, received=date(2026, 4, 1))
    assert clock.due == date(2026, 5, 1)


def test_complaint_clock_refuses_an_extension():
    with pytest.raises(ValueError):
        clock_compute(kind=ClockKind.COMPLAINT_STAGE_1, received=date(2026, 3, 2), extended=True)


def test_calendar_day_sla_counts_weekends_and_holidays():
    clock = clock_compute(
        kind=ClockKind.SLA, received=date(2026, 4, 1), days=10, working_days=False
    )
    assert clock.due == date(2026, 4, 11)
    assert clock.at_risk == date(2026, 4, 9)


def test_sla_due_at_keeps_returning_the_end_of_the_due_day():
    received = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
    assert sla_due_at(received, 10, True) == datetime(2026, 3, 16, 23, 59, 59, tzinfo=LONDON)
    assert sla_due_at(received, 3, False) == datetime(2026, 3, 5, 23, 59, 59, tzinfo=LONDON)


def test_working_day_sla_is_at_risk_after_eighty_percent_of_its_working_days():
    clock = clock_compute(kind=ClockKind.SLA, received=date(2026, 3, 2), days=10)
    assert clock.due == date(2026, 3, 16)
    assert clock.at_risk == date(2026, 3, 12)


def test_foi_is_at_risk_after_sixteen_working_days():
    assert clock_compute(kind="foi", received=date(2026, 3, 2)).at_risk == date(2026, 3, 25)


def test_sar_at_risk_date_falling_on_a_weekend_moves_back_to_the_friday():
    # 80% of 30 days from 3 September 2025 is Saturday 27 September.
    assert clock_compute(kind="sar", received=date(2025, 9, 3)).at_risk == date(2025, 9, 26)


# Overrides


def test_council_closure_moves_an_sla():
    override(date(2026, 3, 4), CalendarOverride.Kind.COUNCIL_CLOSURE)
    assert english_sla_due(date(2026, 3, 2), 10) == date(2026, 3, 17)


def test_council_closure_moves_a_complaint():
    override(date(2026, 3, 4), CalendarOverride.Kind.COUNCIL_CLOSURE)
    clock = clock_compute(kind=ClockKind.COMPLAINT_STAGE_1, received=date(2026, 3, 2))
    assert clock.due == date(2026, 3, 17)


def test_council_closure_does_not_move_foi():
    override(date(2026, 3, 4), CalendarOverride.Kind.COUNCIL_CLOSURE)
    assert foi_due(date(2026, 3, 2)) == date(2026, 3, 31)


def test_working_day_exception_makes_a_bank_holiday_count_for_an_english_sla():
    override(date(2026, 4, 6), CalendarOverride.Kind.WORKING_DAY_EXCEPTION, calendar="eng")
    assert english_sla_due(date(2026, 3, 30), 10) == date(2026, 4, 14)


def test_english_working_day_exception_leaves_foi_stopped_by_other_nations_holiday():
    # Easter Monday is still a bank holiday in Wales and Northern Ireland.
    override(date(2026, 4, 6), CalendarOverride.Kind.WORKING_DAY_EXCEPTION, calendar="eng")
    assert foi_due(date(2026, 3, 23)) == date(2026, 4, 22)


def test_extra_holiday_stops_both_sla_and_foi():
    override(date(2026, 3, 4), CalendarOverride.Kind.EXTRA_HOLIDAY)
    assert english_sla_due(date(2026, 3, 2), 10) == date(2026, 3, 17)
    assert foi_due(date(2026, 3, 2)) == date(2026, 4, 1)


def test_an_override_takes_effect_on_the_next_computation():
    assert english_sla_due(date(2026, 3, 2), 10) == date(2026, 3, 16)
    closure = override(date(2026, 3, 4), CalendarOverride.Kind.COUNCIL_CLOSURE)
    assert english_sla_due(date(2026, 3, 2), 10) == date(2026, 3, 17)
    closure.delete()
    assert english_sla_due(date(2026, 3, 2), 10) == date(2026, 3, 16)


def test_scottish_closure_does_not_affect_an_english_calendar():
    override(date(2026, 3, 4), CalendarOverride.Kind.COUNCIL_CLOSURE, calendar="sct")
    assert english_sla_due(date(2026, 3, 2), 10) == date(2026, 3, 16)


def test_scottish_calendar_skips_st_andrews_day_but_not_easter_monday():
    scotland = WorkingCalendar("sct")
    assert not scotland.is_working_day(date(2026, 11, 30))
    assert scotland.is_working_day(date(2026, 4, 6))


def test_unknown_calendar_is_refused():
    with pytest.raises(ValueError):
        WorkingCalendar("xyz")


def test_overrides_are_listed_in_the_admin(admin_client):
    override(date(2026, 3, 4), CalendarOverride.Kind.COUNCIL_CLOSURE)
    response = admin_client.get("/django-admin/core/calendaroverride/")
    assert response.status_code == 200
    assert b"Council closure" in response.content
