"""Every service issue 17 names is in the catalogue (the starter files and the demo's), of
the right kind, with the property the issue gives it: a fee, a statutory clock, a notice
period the form enforces, an urgent case, an evidence upload, an Open311 code."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from townhall.accounts.models import Team
from townhall.builder.exchange import service_file_load
from townhall.cases.models import Case
from townhall.catalogue.models import Service
from townhall.catalogue.starter import starter_service_files
from townhall.core.calendars import add_working_days
from townhall.core.clocks import clock_compute
from townhall.demo.council import DEMO_DEPARTMENTS, demo_service_files
from townhall.demo.loader import demo_services_load
from townhall.eforms.engine import OUTCOME_REACHED, FormFlow
from townhall.workflow.models import WorkItem
from townhall.workflow.services import work_item_complete
from townhall.workflow.tests.helpers import case_open, only_open_item

CATALOGUE = {
    data["slug"]: data
    for data in (
        service_file_load(text) for _, text in demo_service_files() + starter_service_files()
    )
}

REQUEST, INTERNAL, INFORMATION, ELIGIBILITY = "request", "internal", "information", "eligibility"

# The issue's list, in its order: slug and kind.
NAMED = {
    # Council tax
    "council-tax-tell-us-you-are-moving": REQUEST,
    "apply-for-a-single-person-discount": REQUEST,
    "report-a-change-to-your-council-tax": REQUEST,
    "pay-your-council-tax-by-direct-debit": REQUEST,
    "pay-your-council-tax": INFORMATION,
    # Benefits
    "benefits-report-a-change-in-circumstances": REQUEST,
    # Free school meals and Blue Badge: a checker, then the application
    "check-if-your-child-can-get-free-school-meals": ELIGIBILITY,
    "apply-for-free-school-meals": REQUEST,
    "check-if-you-can-get-a-blue-badge": ELIGIBILITY,
    "apply-for-a-blue-badge": REQUEST,
    # Parking
    "apply-for-a-resident-parking-permit": REQUEST,
    "challenge-a-penalty-charge-notice": REQUEST,
    "pay-a-parking-fine": INFORMATION,
    # Licensing
    "apply-for-a-taxi-or-private-hire-driver-licence": REQUEST,
    "give-a-temporary-event-notice": REQUEST,
    "apply-for-a-street-trading-licence": REQUEST,
    # Planning
    "comment-on-a-planning-application": REQUEST,
    "report-a-planning-breach": REQUEST,
    "get-pre-application-planning-advice": REQUEST,
    # Environmental health
    "report-a-noise-problem": REQUEST,
    "report-a-food-hygiene-problem": REQUEST,
    "book-pest-control": REQUEST,
    # Housing
    "get-help-if-you-are-homeless": REQUEST,
    "report-a-repair-in-your-council-home": REQUEST,
    "join-the-housing-register": REQUEST,
    # Waste and streets
    "report-a-missed-bin-collection": REQUEST,
    "subscribe-to-garden-waste-collection": REQUEST,
    "book-a-bulky-waste-collection": REQUEST,
    "order-a-new-or-replacement-bin": REQUEST,
    "apply-for-an-assisted-bin-collection": REQUEST,
    "report-fly-tipping": REQUEST,
    "report-graffiti": REQUEST,
    "report-an-abandoned-vehicle": REQUEST,
    "report-dog-fouling": REQUEST,
    "report-a-street-light-fault": REQUEST,
    # Corporate
    "make-a-complaint": REQUEST,
    "ask-for-a-review-of-your-complaint": REQUEST,
    "give-a-compliment": REQUEST,
    "make-a-freedom-of-information-request": REQUEST,
    "make-an-environmental-information-request": REQUEST,
    "make-a-subject-access-request": REQUEST,
    # Internal (staff only)
    "internal-request-a-call-back": INTERNAL,
    "internal-insurance-claim": INTERNAL,
    "internal-new-starter": INTERNAL,
    "internal-leaver": INTERNAL,
    "internal-expenses-claim": INTERNAL,
    "internal-equipment-request": INTERNAL,
    "internal-ict-access-request": INTERNAL,
    "internal-request-a-dbs-check": INTERNAL,  # one of "the others a back office raises daily"
}

STREET_REPORTS = [
    "report-a-missed-bin-collection",
    "report-fly-tipping",
    "report-graffiti",
    "report-an-abandoned-vehicle",
    "report-dog-fouling",
    "report-a-street-light-fault",
]


def _fields(data: dict) -> list[dict]:
    definition = data["form"]["definition"]
    return [field for page in definition["pages"] for field in page["fields"]]


def test_every_named_service_is_in_the_catalogue_with_its_kind_and_audience():
    for slug, kind in NAMED.items():
        assert slug in CATALOGUE, slug
        data = CATALOGUE[slug]
        assert data["kind"] == kind, slug
        assert data["published"], slug
        assert data["audience"] == ("staff" if kind == INTERNAL else "public"), slug


def test_the_catalogue_is_as_big_as_the_issue_asks_across_every_department():
    public = [d for d in CATALOGUE.values() if d["audience"] == "public"]
    internal = [d for d in CATALOGUE.values() if d["kind"] == INTERNAL]
    assert len(public) >= 45 and len(internal) >= 15
    for department in DEMO_DEPARTMENTS:
        offered = [d for d in CATALOGUE.values() if d["department"] == department.slug]
        assert len(offered) >= 2, department.slug


def test_services_the_issue_says_charge_have_a_fee():
    for slug in (
        "apply-for-a-resident-parking-permit",
        "get-pre-application-planning-advice",
        "book-pest-control",
    ):
        assert (CATALOGUE[slug]["fee_pence"] or 0) > 0, slug


def test_a_penalty_charge_notice_challenge_runs_on_a_28_day_clock():
    data = CATALOGUE["challenge-a-penalty-charge-notice"]
    assert (data["sla"], data["clock"]) == ({"days": 28, "kind": "calendar_days"}, "sla")


# A Monday with no bank holiday for three weeks either side.
RECEIVED = date(2027, 6, 7)


@pytest.mark.parametrize(
    ("slug", "clock", "working_days"),
    [
        ("make-a-complaint", "complaint_stage_1", 10),
        ("ask-for-a-review-of-your-complaint", "complaint_stage_2", 20),
        ("make-a-freedom-of-information-request", "foi", 20),
        ("make-an-environmental-information-request", "eir", 20),
        ("make-a-subject-access-request", "sar", None),  # one calendar month
    ],
)
@pytest.mark.django_db
def test_statutory_requests_run_on_their_statutory_clocks(slug, clock, working_days):
    assert CATALOGUE[slug]["clock"] == clock
    due = add_working_days(RECEIVED, working_days) if working_days else date(2027, 7, 7)
    assert clock_compute(kind=clock, received=RECEIVED).due == due


def _ten_route(event_day: date) -> tuple[str | None, str]:
    """Where the temporary event notice goes after its date page: an outcome, or a page."""
    flow = FormFlow(
        CATALOGUE["give-a-temporary-event-notice"]["form"]["definition"], ask_contact=False
    )
    answers = {
        "event_name": "Summer fete",
        "premises": "100012345678",
        "site_description": "The recreation ground",
        "activities": ["alcohol"],
        "start_date": event_day.isoformat(),
    }
    outcome = flow.outcome(answers)
    return (outcome["id"] if outcome else None), flow.next_page_id("start", answers)


@pytest.mark.django_db
def test_a_temporary_event_notice_needs_5_clear_working_days_and_is_late_within_10():
    today = timezone.localdate()
    fifth, tenth = add_working_days(today, 5), add_working_days(today, 10)
    # The day given and the day of the event do not count: 5 clear days end on `fifth`.
    assert _ten_route(fifth) == ("too-late", OUTCOME_REACHED)
    assert _ten_route(fifth + timedelta(days=1)) == (None, "late")
    assert _ten_route(tenth) == (None, "late")
    assert _ten_route(tenth + timedelta(days=1)) == (None, "days")
    outcomes = CATALOGUE["give-a-temporary-event-notice"]["form"]["definition"]["outcomes"]
    too_late = next(o for o in outcomes if o["id"] == "too-late")
    assert "5 working days" in " ".join(too_late["body"])


def test_the_checkers_lead_to_applications_that_take_evidence():
    for checker, application in (
        ("check-if-you-can-get-a-blue-badge", "apply-for-a-blue-badge"),
        ("check-if-your-child-can-get-free-school-meals", "apply-for-free-school-meals"),
    ):
        outcomes = CATALOGUE[checker]["form"]["definition"]["outcomes"]
        links = {step["href"] for o in outcomes for step in o.get("next_steps", [])}
        assert f"/services/{application}/" in links, checker
        assert any(f["type"] == "file" for f in _fields(CATALOGUE[application])), application


def test_street_reports_have_an_open311_code_and_a_location():
    codes = [CATALOGUE[slug]["open311_code"] for slug in STREET_REPORTS]
    assert all(codes) and len(set(codes)) == len(codes)
    for slug in STREET_REPORTS:
        types = {f["type"] for f in _fields(CATALOGUE[slug])}
        assert types & {"location", "address"}, slug


@pytest.mark.django_db
def test_homelessness_help_is_urgent_from_the_moment_it_arrives():
    demo_services_load()
    service = Service.objects.get(slug="get-help-if-you-are-homeless")
    noise = case_open(Service.objects.get(slug="report-a-noise-problem"))

    case = case_open(service)

    case.refresh_from_db()
    assert case.priority == Case.Priority.URGENT
    assert only_open_item(case).team == service.default_team
    assert noise.priority == Case.Priority.NORMAL  # the ordinary triage leaves it alone


@pytest.mark.django_db
def test_a_call_back_an_agent_asks_for_goes_to_the_chosen_departments_team():
    demo_services_load()
    service = Service.objects.get(slug="internal-request-a-call-back")
    assert (service.audience, service.sla_days, service.sla_kind) == ("staff", 1, "working_days")
    answers = {
        "department": "planning",
        "caller_name": "Pat Caller",
        "phone_number": "01632 960001",
        "best_time": "morning",
        "reason": "Wants to talk about the extension next door.",
    }

    case = case_open(service, answers=answers, received_at=timezone.now())

    planning = Team.objects.get(slug="planning-development-management")
    case.refresh_from_db()
    assert (case.team, case.department) == (planning, planning.department)
    call = only_open_item(case)
    assert (call.title, call.team) == ("Call them back", planning)
    work_item_complete(work_item=call, actor=None, outcome="spoke")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert not WorkItem.objects.filter(case=case, status=WorkItem.Status.OPEN).exists()


HOW_LONG = re.compile(
    r"\b(\d+|one|two|three|a few)\s+(minutes?|hours?|(working |calendar )?days?|weeks?|months?)\b"
    r"|\bsame day\b|\bnext working day\b",
    re.IGNORECASE,
)


def test_every_start_page_says_what_you_need_how_long_it_takes_and_what_happens_next():
    for slug, data in CATALOGUE.items():
        if data["kind"] not in (REQUEST, INTERNAL):
            continue
        definition = data["form"]["definition"]
        start = definition.get("start") or {}
        assert start.get("body"), f"{slug}: no start page"
        assert start.get("before_you_start"), f"{slug}: what you need"
        assert HOW_LONG.search(" ".join(start["body"])), f"{slug}: how long"
        assert definition.get("confirmation"), f"{slug}: what happens next"
