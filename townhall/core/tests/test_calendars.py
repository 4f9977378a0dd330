"""Calendar overrides are cached; a change to one takes effect at once."""

from datetime import date

import pytest

from townhall.core.calendars import WorkingCalendar
from townhall.core.models import CalendarOverride


@pytest.mark.django_db
@pytest.mark.parametrize("kept_seconds", [0, 60])  # also with each process keeping the rows
def test_moving_a_closure_day_to_another_year_takes_effect_at_once(settings, kept_seconds):
    settings.CALENDAR_KEEP_SECONDS = kept_seconds

    day_2026, day_2027 = date(2026, 12, 29), date(2027, 1, 5)
    assert WorkingCalendar(council=True).is_working_day(day_2026)
    closure = CalendarOverride.objects.create(
        date=day_2026, calendar="all", kind=CalendarOverride.Kind.COUNCIL_CLOSURE, note="Closed"
    )
    assert not WorkingCalendar(council=True).is_working_day(day_2026)
    assert WorkingCalendar(council=True).is_working_day(day_2027)
    closure.date = day_2027
    closure.save()
    assert WorkingCalendar(council=True).is_working_day(day_2026)
    assert not WorkingCalendar(council=True).is_working_day(day_2027)
