"""The starter catalogue's checkers, hand-offs and fees, read from the files themselves (no
database): each checker's answers reach the outcome they should, "You can apply" leads to
the application, a street light on a road is sent to the county, and a bin's fee is worked
out per bin."""

import re

import pytest

from townhall.builder.exchange import service_file_load
from townhall.catalogue.starter import starter_service_files
from townhall.demo.council import demo_service_files
from townhall.eforms.engine import FormFlow
from townhall.eforms.fees import fee_rules_problems, fee_work_out

EVERY = {
    data["slug"]: data
    for data in map(
        service_file_load, (t for _, t in demo_service_files() + starter_service_files())
    )
}
SERVICE_LINK = re.compile(r"^/services/([a-z0-9-]+)/$")


def _flow(slug: str) -> FormFlow:
    return FormFlow(EVERY[slug]["form"]["definition"], ask_contact=False)


def _outcome(slug: str, answers: dict) -> str | None:
    outcome = _flow(slug).outcome(answers)
    return None if outcome is None else outcome["id"]


def _links(slug: str, outcome: str) -> list[str]:
    outcomes = {o["id"]: o for o in EVERY[slug]["form"]["definition"]["outcomes"]}
    return [step["href"] for step in outcomes[outcome].get("next_steps", [])]


def test_every_link_to_a_service_names_one_in_the_catalogue():
    for slug, data in EVERY.items():
        definition = (data.get("form") or {}).get("definition") or {}
        for outcome in definition.get("outcomes", []):
            for step in outcome.get("next_steps", []):
                linked = SERVICE_LINK.match(step["href"])
                assert linked is None or linked[1] in EVERY, (slug, step["href"])


BLUE_BADGE = "check-if-you-can-get-a-blue-badge"


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ({"benefits": ["pip_moving"]}, "can-apply"),
        ({"benefits": ["blind", "dla_mobility"]}, "can-apply"),
        ({"benefits": ["none"]}, None),  # the walking question is still to answer
        ({"benefits": ["none"], "difficulty": "hidden"}, "can-apply-assessed"),
        ({"benefits": ["none"], "difficulty": "child"}, "can-apply-assessed"),
        ({"benefits": ["none"], "difficulty": "none"}, "not-eligible"),
    ],
)
def test_the_blue_badge_checker_reaches_its_outcomes(answers, outcome):
    assert _outcome(BLUE_BADGE, answers) == outcome


FREE_SCHOOL_MEALS = "check-if-your-child-can-get-free-school-meals"


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ({"school_year": "nursery"}, "not-at-school"),
        ({"school_year": "junior", "benefits": ["universal_credit"]}, "can-apply"),
        ({"school_year": "infant", "benefits": ["asylum_support"]}, "can-apply"),
        ({"school_year": "infant", "benefits": ["none"]}, "infant-meals"),
        ({"school_year": "secondary", "benefits": ["none"]}, "not-eligible"),
    ],
)
def test_the_free_school_meals_checker_reaches_its_outcomes(answers, outcome):
    assert _outcome(FREE_SCHOOL_MEALS, answers) == outcome


@pytest.mark.parametrize(
    ("checker", "outcome", "application"),
    [
        (BLUE_BADGE, "can-apply", "apply-for-a-blue-badge"),
        (BLUE_BADGE, "can-apply-assessed", "apply-for-a-blue-badge"),
        (FREE_SCHOOL_MEALS, "can-apply", "apply-for-free-school-meals"),
        (
            "check-if-you-can-get-an-assisted-bin-collection",
            "can-apply",
            "apply-for-an-assisted-bin-collection",
        ),
    ],
)
def test_you_can_apply_leads_to_the_application(checker, outcome, application):
    assert _links(checker, outcome)[0] == f"/services/{application}/"
    assert EVERY[application]["kind"] == "request"


def test_a_street_light_on_a_road_is_the_countys_and_one_in_a_car_park_is_ours():
    slug = "report-a-street-light-fault"
    flow = _flow(slug)
    assert _outcome(slug, {"where": "road"}) == "county"
    county = flow.outcomes["county"]
    assert "county council" in county["title"] and "not by us" in county["body"][0]
    assert _links(slug, "county")[0].startswith("https://")
    for ours in ("car_park", "estate"):
        assert _outcome(slug, {"where": ours}) is None
        assert flow.next_page_id("where", {"where": ours}) == "location"
    assert EVERY[slug]["open311_code"] == "street_light"


BIN = "order-a-new-or-replacement-bin"


@pytest.mark.parametrize(
    ("bins", "reason", "total"),
    [
        (["rubbish"], "broken", 3000),
        (["rubbish", "recycling", "food_caddy"], "new_home", 6000),
        (["food_caddy"], "lost", 0),
        (["rubbish", "garden"], "crew", 0),
    ],
)
def test_a_new_bin_costs_per_bin_caddies_are_free_and_our_damage_is_not_charged(
    bins, reason, total
):
    data = EVERY[BIN]
    definition = data["form"]["definition"]
    assert fee_rules_problems(data["fee_rules"], definition) == []
    quote = fee_work_out(data["fee_rules"], {"bins": bins, "reason": reason}, definition)
    assert quote.total_pence == total


def test_the_stage_2_complaint_and_eir_run_on_their_statutory_clocks():
    review = EVERY["ask-for-a-review-of-your-complaint"]
    assert (review["clock"], review["sla"]["days"]) == ("complaint_stage_2", 20)
    eir = EVERY["make-an-environmental-information-request"]
    assert (eir["clock"], eir["sla"]["days"]) == ("eir", 20)


def test_paying_a_fine_or_council_tax_is_an_advice_page_naming_the_way_to_pay():
    for slug in ("pay-a-parking-fine", "pay-your-council-tax"):
        data = EVERY[slug]
        assert data["kind"] == "information" and data["form"] is None, slug
        assert "pay online" in data["description"]["en"].lower(), slug
