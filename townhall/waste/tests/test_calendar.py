"""The waste calendar against the council's published calendar for Christmas and New Year
2026-27 (week A starts on Monday 5 January 2026, so 7, 21 December and 4 January are week A
weeks; 14, 28 December and 11 January week B).

Published calendar ("collections move one day later in the bank holiday weeks"):

| round                     | usual day      | moves to       |
|---------------------------|----------------|----------------|
| refuse, Friday, week A    | Fri 11 Dec     | (as usual)     |
|                           | Fri 25 Dec     | Sat 26 Dec     |
|                           | Fri 8 Jan      | (as usual)     |
| recycling, Friday, week B | Fri 18 Dec     | (as usual)     |
|                           | Fri 1 Jan      | Sat 2 Jan      |
| refuse, Monday, week B    | Mon 28 Dec     | Tue 29 Dec     |
| recycling, Thursday, wk B | Thu 31 Dec     | Sat 2 Jan (Fri 1 Jan is a bank holiday too) |
| food, Tuesday, weekly     | Tue 22 Dec     | (as usual)     |
|                           | Tue 29 Dec     | Wed 30 Dec     |
| garden, Wednesday, week A | Wed 23 Dec     | (as usual: before the holiday) |
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from townhall.waste.calendar import collections_for, is_week_a, last_collection
from townhall.waste.models import RoundChange
from townhall.waste.tests.factories import address_make, round_make

pytestmark = pytest.mark.django_db
START, END = date(2026, 12, 7), date(2027, 1, 17)


def _days(collections, stream):
    return [(c.scheduled, c.date) for c in collections if c.stream == stream]


def test_week_a_and_b_follow_the_published_fortnight_across_a_53_week_year():
    assert [is_week_a(date(2026, 12, d)) for d in (7, 14, 21, 28)] == [True, False, True, False]
    assert is_week_a(date(2027, 1, 4)) and not is_week_a(date(2027, 1, 11))


def test_fortnightly_friday_rounds_move_a_day_in_the_christmas_and_new_year_weeks():
    home = address_make()
    round_make(stream="refuse", weekday=4, week="A", addresses=(home,))
    round_make(stream="recycling", weekday=4, week="B", addresses=(home,))
    found = collections_for(home, START, END)
    assert _days(found, "refuse") == [
        (date(2026, 12, 11), date(2026, 12, 11)),
        (date(2026, 12, 25), date(2026, 12, 26)),
        (date(2027, 1, 8), date(2027, 1, 8)),
    ]
    assert _days(found, "recycling") == [
        (date(2026, 12, 18), date(2026, 12, 18)),
        (date(2027, 1, 1), date(2027, 1, 2)),
        (date(2027, 1, 15), date(2027, 1, 15)),
    ]
    moved = [c for c in found if c.moved]
    assert [str(c.reason) for c in moved] == [
        "A day later than usual because of the Christmas bank holiday.",
        "A day later than usual because of the New Year bank holiday.",
    ]


def test_days_after_a_monday_bank_holiday_move_and_skip_a_second_holiday():
    home = address_make()
    round_make(stream="refuse", weekday=0, week="B", addresses=(home,))
    round_make(stream="recycling", weekday=3, week="B", addresses=(home,))
    round_make(stream="food", weekday=1, frequency="weekly", addresses=(home,))
    found = collections_for(home, date(2026, 12, 21), date(2027, 1, 3))
    assert _days(found, "refuse") == [(date(2026, 12, 28), date(2026, 12, 29))]
    assert _days(found, "recycling") == [(date(2026, 12, 31), date(2027, 1, 2))]
    assert _days(found, "food") == [
        (date(2026, 12, 22), date(2026, 12, 22)),
        (date(2026, 12, 29), date(2026, 12, 30)),
    ]


def test_garden_waste_only_for_subscribed_addresses_and_not_moved_before_the_holiday():
    home = address_make()
    round_make(stream="garden", weekday=2, week="A", addresses=(home,))
    assert collections_for(home, START, END) == []  # no permit check registered: not subscribed
    found = collections_for(home, date(2026, 12, 21), date(2026, 12, 27), garden=True)
    assert _days(found, "garden") == [(date(2026, 12, 23), date(2026, 12, 23))]


def test_one_off_changes_move_cancel_or_recrew_one_day_only():
    home = address_make()
    refuse = round_make(stream="refuse", weekday=4, week="A", addresses=(home,))
    food = round_make(stream="food", weekday=1, frequency="weekly", addresses=(home,))
    RoundChange.objects.create(
        round=refuse,
        date=date(2027, 1, 8),
        kind="moved",
        new_date=date(2027, 1, 9),
        reason="The crew is clearing storm damage on Friday.",
    )
    RoundChange.objects.create(
        round=food, date=date(2026, 12, 15), kind="cancelled", reason="Vehicle broken down."
    )
    RoundChange.objects.create(
        round=food, date=date(2026, 12, 22), kind="crew", crew="Crew 9", reason="Crew swap."
    )
    found = collections_for(home, START, END)
    refuse_days = _days(found, "refuse")
    assert (date(2027, 1, 8), date(2027, 1, 9)) in refuse_days
    moved = next(c for c in found if c.scheduled == date(2027, 1, 8))
    assert moved.moved and moved.reason == "The crew is clearing storm damage on Friday."
    cancelled = next(c for c in found if c.date == date(2026, 12, 15))
    assert cancelled.cancelled and not cancelled.moved
    recrewed = next(c for c in found if c.date == date(2026, 12, 22))
    assert recrewed.crew == "Crew 9" and not recrewed.cancelled
    # the next week is as usual
    assert next(c for c in found if c.date == date(2027, 1, 12)).crew == "Crew 1"


def test_last_collection_is_the_last_one_whose_crew_has_finished():
    home = address_make()
    round_make(stream="food", weekday=1, frequency="weekly", addresses=(home,))
    london = ZoneInfo("Europe/London")
    during = datetime.combine(date(2026, 12, 8), time(11, 0), tzinfo=london)
    after = datetime.combine(date(2026, 12, 8), time(15, 30), tzinfo=london)
    assert last_collection(home, "food", during).date == date(2026, 12, 1)
    assert last_collection(home, "food", after).date == date(2026, 12, 8)
    assert last_collection(home, "refuse", after) is None


def test_garden_waste_appears_once_a_permit_check_says_the_address_subscribes(monkeypatch):
    from townhall.waste import hooks

    home, neighbour = address_make(), address_make()
    round_make(stream="garden", weekday=2, week="A", addresses=(home, neighbour))
    monkeypatch.setattr(hooks, "_garden_checks", [])
    hooks.garden_subscription_register(lambda address, on: address.pk == home.pk)
    assert {c.stream for c in collections_for(home, START, END)} == {"garden"}
    assert collections_for(neighbour, START, END) == []
