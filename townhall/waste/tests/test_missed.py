"""A missed-bin report is checked against the address's calendar and the crew's results."""

from datetime import date, datetime, time

import pytest
from django.core.cache import cache

from townhall.core.calendars import LONDON
from townhall.demo.contractors import demo_contractors_load
from townhall.integrations.models import PartnerEndpoint
from townhall.waste.missed import Verdict, missed_collection_answers, missed_collection_check
from townhall.waste.models import CrewResult, Round
from townhall.waste.tests.factories import address_make, round_make

pytestmark = pytest.mark.django_db

# Tuesday 8 December 2026: a weekly refuse round collects on Tuesdays, crew done by 3pm.
TUESDAY = date(2026, 12, 8)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def home():
    cache.clear()
    home = address_make()
    round_make(stream="refuse", weekday=1, frequency="weekly", addresses=(home,))
    return home


def test_before_the_crews_finish_time_on_the_day_is_too_early(home):
    check = missed_collection_check(home, "refuse", at(TUESDAY, 11))
    assert check.verdict == Verdict.TOO_EARLY
    assert check.report_from == at(TUESDAY, 15)
    assert missed_collection_answers(home, "refuse", at(TUESDAY, 11))["report_from"] == (
        "3pm today"
    )


def test_after_the_finish_time_the_same_day_is_in_window(home):
    check = missed_collection_check(home, "refuse", at(TUESDAY, 15, 1))
    assert check.verdict == Verdict.IN_WINDOW
    assert check.collection is not None and check.collection.date == TUESDAY
    # Two working days after Tuesday: Thursday is the last day to report.
    assert check.report_by == date(2026, 12, 10)


def test_the_window_closes_after_the_councils_working_days(home, settings):
    assert missed_collection_check(home, "refuse", at(date(2026, 12, 10), 20)).verdict == (
        Verdict.IN_WINDOW
    )
    late = missed_collection_check(home, "refuse", at(date(2026, 12, 11), 9))
    assert late.verdict == Verdict.TOO_LATE
    settings.WASTE_MISSED_REPORT_WORKING_DAYS = 3
    assert missed_collection_check(home, "refuse", at(date(2026, 12, 11), 9)).verdict == (
        Verdict.IN_WINDOW
    )


def test_a_crew_result_of_not_put_out_is_told_with_its_note(home):
    demo_contractors_load()
    CrewResult.objects.create(
        result_id="r1",
        partner=PartnerEndpoint.objects.get(name="waste_contractor"),
        address=home,
        stream="refuse",
        outcome=CrewResult.Outcome.NOT_PUT_OUT,
        occurred_at=at(TUESDAY, 9, 12),
        note="No bin at the kerb at 9:12am.",
    )
    answers = missed_collection_answers(home, "refuse", at(TUESDAY, 17))
    assert answers["collection_check"] == "not_put_out"
    assert answers["crew_note"] == "No bin at the kerb at 9:12am."
    # A result from an earlier week says nothing of this one.
    assert missed_collection_check(home, "refuse", at(TUESDAY.replace(day=15), 17)).verdict == (
        Verdict.IN_WINDOW
    )


def test_a_bin_with_no_round_at_the_address_has_nothing_to_report(home):
    assert missed_collection_check(home, "recycling", at(TUESDAY, 17)).verdict == Verdict.NO_ROUND


def test_the_answers_name_the_rounds_crew_contractor_and_sla_start(home, settings):
    answers = missed_collection_answers(home, "refuse", at(date(2026, 12, 9), 10))
    assert answers["collection_date"] == "2026-12-08"
    assert answers["sla_from"] == "2026-12-08"
    assert answers["collection_crew"] == "Crew 1"
    assert answers["collection_contractor"] == "waste_contractor"
    settings.WASTE_DEFAULT_CONTRACTOR = "other_firm"
    assert (
        missed_collection_answers(home, "refuse", at(date(2026, 12, 9), 10))[
            "collection_contractor"
        ]
        == "other_firm"
    )
    Round.objects.filter(stops__address=home).update(contractor="crew_firm")
    assert (
        missed_collection_answers(home, "refuse", at(date(2026, 12, 9), 10))[
            "collection_contractor"
        ]
        == "crew_firm"
    )
