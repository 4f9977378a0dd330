"""Importing rounds from a CSV extract: all or nothing, refused rows listed by line."""

import pytest
from django.core.management import CommandError, call_command

from townhall.demo.contractors import demo_contractors_load
from townhall.waste.imports import ExtractRefused
from townhall.waste.models import Round, RoundAddress
from townhall.waste.services import rounds_import
from townhall.waste.tests.factories import address_make

pytestmark = pytest.mark.django_db


def _extract(*rows: str, heading: str = "round,stream,day,frequency,week,crew,finish,uprn") -> str:
    return "\n".join((heading, *rows)) + "\n"


def test_a_good_extract_makes_rounds_and_a_second_import_moves_addresses():
    a, b = address_make(), address_make()
    summary = rounds_import(
        extract=_extract(
            f"REF-FRI-A,refuse,Friday,fortnightly,A,Crew 1,14:30,{a.uprn}",
            f"REF-FRI-A,refuse,Friday,fortnightly,A,Crew 1,,{b.uprn}",
            f"FOOD-TUE,food,tue,weekly,,Crew 2,,{a.uprn}",
        )
    )
    assert (summary.rounds_created, summary.stops, summary.rows) == (2, 3, 3)
    friday = Round.objects.get(code="REF-FRI-A")
    assert (friday.weekday, friday.week, friday.crew_finish_time.hour) == (4, "A", 14)
    # b moves to another refuse round: it leaves the first.
    rounds_import(extract=_extract(f"REF-MON-B,refuse,Monday,fortnightly,B,Crew 3,,{b.uprn}"))
    assert list(RoundAddress.objects.filter(address=b).values_list("round__code", flat=True)) == [
        "REF-MON-B"
    ]
    assert RoundAddress.objects.filter(round=friday).count() == 1


def test_bad_rows_are_listed_by_line_and_nothing_is_written():
    a = address_make()
    bad = _extract(
        f"REF-FRI-A,refuse,Friday,fortnightly,A,Crew 1,,{a.uprn}",
        f"REF-FRI-A,refuse,Monday,fortnightly,A,Crew 1,,{a.uprn}",
        f"X,bins,Friday,weekly,,Crew 1,,{a.uprn}",
        "REC-1,recycling,Funday,fortnightly,,Crew 1,,123",
        "REC-2,recycling,Friday,weekly,,Crew 1,,555555555555",
        f"REF-2,refuse,Friday,weekly,,Crew 1,,{a.uprn}",
    )
    with pytest.raises(ExtractRefused) as refused:
        rounds_import(extract=bad)
    problems = refused.value.problems
    assert problems[0] == "Line 3: round REF-FRI-A has a different day on line 2."
    assert problems[1].startswith('Line 4: stream "bins" is not one of')
    assert 'Line 5: day "Funday"' in problems[2] and "needs week A or B" in problems[2]
    assert problems[3] == "Line 6: UPRN 555555555555 is not in the gazetteer."
    assert problems[4] == f"Line 7: UPRN {a.uprn} already has a refuse round on line 2."
    assert Round.objects.count() == 0 and RoundAddress.objects.count() == 0


MAPPING = ("round=Round", "stream=Bin", "day=Day", "frequency=Freq", "week=Week", "crew=Crew")
MAPPING += ("uprn=UPRN_NO",)


def test_columns_can_be_mapped_and_a_missing_column_is_named(tmp_path):
    a = address_make()
    path = tmp_path / "rounds.csv"
    path.write_text(
        _extract(
            f"REF-1,refuse,Friday,fortnightly,A,Crew 1,{a.uprn}",
            heading="Round,Bin,Day,Freq,Week,Crew,UPRN_NO",
        )
    )
    with pytest.raises(CommandError, match='no column "uprn" for uprn'):
        call_command("waste_rounds_import", str(path), "--map", "round=Round")
    call_command(
        "waste_rounds_import",
        str(path),
        *[f"--map={pair}" for pair in MAPPING],
    )
    assert Round.objects.get(code="REF-1").addresses.get() == a


def test_an_extract_may_name_the_contractor_whose_crew_works_each_round():
    demo_contractors_load()
    a = address_make()
    heading = "round,stream,day,frequency,week,crew,finish,uprn,contractor"
    rounds_import(
        extract=_extract(
            f"REF-FRI,refuse,Friday,weekly,,Crew 1,,{a.uprn},bulky_waste_contractor",
            f"FOOD-FRI,food,Friday,weekly,,Crew 2,,{a.uprn},",
            heading=heading,
        )
    )
    assert Round.objects.get(code="REF-FRI").contractor == "bulky_waste_contractor"
    assert Round.objects.get(code="FOOD-FRI").contractor == ""
    with pytest.raises(ExtractRefused) as refused:
        rounds_import(
            extract=_extract(
                f"REF-FRI,refuse,Friday,weekly,,Crew 1,,{a.uprn},nobody", heading=heading
            )
        )
    assert refused.value.problems == ["Line 2: contractor nobody is not a partner set up here."]
    assert Round.objects.get(code="REF-FRI").contractor == "bulky_waste_contractor"
