"""The starter catalogue: every file imports into an empty council with nothing refused and
exports back the same, each department of the demo council offers at least two services, and
a case of a starter service lands in its team's queue on the generic library process."""

from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.utils import timezone

from townhall.accounts.models import Department, Team
from townhall.builder.checks import service_data_problems
from townhall.builder.exchange import service_file_load
from townhall.builder.selectors import service_export
from townhall.builder.services import service_files_import
from townhall.builder.tests.conftest import empty_council
from townhall.cases.models import Case
from townhall.catalogue.clocks import service_due_at
from townhall.catalogue.models import Service
from townhall.catalogue.selectors import services_public, services_search
from townhall.catalogue.starter import starter_service_files
from townhall.core.calendars import LONDON
from townhall.demo.council import DEMO_DEPARTMENTS, demo_service_files, team_slug
from townhall.demo.loader import demo_services_load
from townhall.workflow.models import ProcessInstance, ProcessVersion
from townhall.workflow.services import work_item_complete
from townhall.workflow.tests.helpers import case_open, only_open_item

pytestmark = pytest.mark.django_db

STARTER = starter_service_files()


def _data(files: list[tuple[str, str]]) -> list[dict]:
    return [service_file_load(text) for _, text in files]


def test_every_starter_file_imports_into_an_empty_council_with_nothing_refused():
    empty_council()
    assert not Department.objects.exists()

    services = service_files_import(files=STARTER)

    assert len(services) == len(STARTER) >= 25
    for service in services:
        if service.kind == Service.Kind.INFORMATION:
            assert service.form is None and not service.process_key, service.slug
            continue
        assert service.form is not None and service.form.live_version() is not None, service.slug
        if service.kind == Service.Kind.ELIGIBILITY:
            assert service.default_team is None and not service.process_key, service.slug
            continue
        assert ProcessVersion.objects.filter(key=service.process_key, is_live=True).exists()
        assert service.default_team is not None, service.slug
        assert service.default_team.department == service.department


def test_the_whole_catalogue_imports_into_an_empty_database_and_passes_the_publish_checks():
    """The demo's services and the starter's together, as a council would take them all."""
    empty_council()
    every = demo_service_files() + STARTER

    services = service_files_import(files=every)

    assert len(services) == len(every) and all(s.is_published for s in services)
    for service in services:
        data = service_file_load(service_export(service))
        assert service_data_problems(data) == [], service.slug
        if service.process_key:
            assert ProcessVersion.objects.filter(key=service.process_key, is_live=True).exists()
    assert [m.id for m in run_checks(tags=["townhall"])] == []


def test_the_starter_files_export_back_byte_for_byte():
    empty_council()
    service_files_import(files=STARTER)
    exported = {f"{s.slug}.yaml": service_export(s) for s in Service.objects.order_by("slug")}
    assert exported == dict(STARTER)


def test_each_file_is_named_by_its_slug_and_written_for_any_council():
    for name, text in STARTER:
        assert service_file_load(text)["slug"] == name.removesuffix(".yaml")
        assert "kingsmead" not in text.lower(), name


def test_reference_prefixes_slugs_and_names_are_unique_across_the_demo_and_the_starter():
    every = _data(demo_service_files() + STARTER)
    for key in ("reference_prefix", "slug"):
        values = [data[key] for data in every]
        assert len(set(values)) == len(values), key
    names = [data["name"]["en"] for data in every]
    assert len(set(names)) == len(names)


def test_starter_files_are_of_every_kind_and_internal_ones_are_for_staff():
    kinds = {data["kind"] for data in _data(STARTER)}
    assert kinds == {"request", "internal", "information", "eligibility"}
    for data in _data(STARTER):
        if data["kind"] == "internal":
            assert data["audience"] == "staff", data["slug"]


def test_starter_files_name_the_demo_councils_departments_and_teams():
    teams = {
        team_slug(department.name, team): department.slug
        for department in DEMO_DEPARTMENTS
        for team in department.teams
    }
    departments = {department.slug for department in DEMO_DEPARTMENTS}
    for data in _data(STARTER):
        assert data["department"] in departments, data["slug"]
        if data["kind"] in {"information", "eligibility"}:
            assert data["team"] is None, data["slug"]  # nothing to work on: no case
        else:
            assert teams[data["team"]] == data["department"], data["slug"]


def test_every_department_of_the_demo_council_has_at_least_two_services():
    demo_services_load()
    for department in DEMO_DEPARTMENTS:
        offered = Service.objects.filter(
            department__slug=department.slug,
            is_published=True,
            audience__in=[Service.Audience.PUBLIC, Service.Audience.STAFF],
        )
        assert offered.count() >= 2, department.name


def test_internal_starter_services_are_not_offered_to_residents():
    demo_services_load()
    public = set(services_public().values_list("slug", flat=True))
    assert "challenge-a-penalty-charge-notice" in public
    assert "internal-leaver" not in public
    assert Service.objects.get(slug="internal-leaver").state == "internal only"


@pytest.fixture
def starter(settings) -> dict[str, Service]:
    settings.NOTIFY_CHANNEL = "django"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    demo_services_load()
    slugs = [name.removesuffix(".yaml") for name, _ in STARTER]
    return {s.slug: s for s in Service.objects.filter(slug__in=slugs)}


def _casework(starter: dict[str, Service]) -> list[Service]:
    """The starter services that open a case (requests and internal ones)."""
    kinds = {Service.Kind.REQUEST, Service.Kind.INTERNAL}
    return [service for service in starter.values() if service.kind in kinds]


def test_a_penalty_charge_notice_challenge_is_due_28_calendar_days_after_it_arrives(starter):
    pcn = starter["challenge-a-penalty-charge-notice"]
    assert (pcn.sla_days, pcn.sla_kind, pcn.clock_kind) == (28, "calendar_days", "sla")
    received = timezone.now()

    case = case_open(pcn, received_at=received)

    due = timezone.localtime(case.due_at, LONDON).date()
    assert due == timezone.localtime(received, LONDON).date() + timedelta(days=28)
    assert starter["give-a-temporary-event-notice"].fee_pence == 2100


# Starter services with a process of their own: what routing needs, and the first task.
OWN_PROCESS = {
    "internal-request-a-call-back": ({"department": "customer-services"}, "Call them back"),
}


def test_every_starter_case_lands_in_its_teams_queue_with_its_sla(starter):
    assert len(starter) == len(STARTER)
    for service in _casework(starter):
        received = timezone.now()
        answers, first_task = OWN_PROCESS.get(service.slug, ({}, "Assess the request"))

        case = case_open(service, answers=answers, received_at=received)

        assert case.team == service.default_team, service.slug
        assert case.due_at == service_due_at(service=service, received=received), service.slug
        item = only_open_item(case)
        assert (item.title, item.team) == (first_task, service.default_team), service.slug


def test_a_starter_case_is_triaged_then_resolved_by_the_services_own_team(starter):
    noise = starter["report-a-noise-problem"]
    assert noise.process_key == "triage-and-resolve"
    environmental_health = Team.objects.get(slug="environmental-services-environmental-health")
    case = case_open(noise)

    work_item_complete(work_item=only_open_item(case), actor=None, outcome="action_needed")
    resolve = only_open_item(case)
    assert (resolve.title, resolve.team) == ("Resolve the request", environmental_health)
    work_item_complete(work_item=resolve, actor=None, outcome="done")

    case.refresh_from_db()
    assert (case.status, case.resolution) == (Case.Status.CLOSED, "completed")
    assert ProcessInstance.objects.get(case=case).status == ProcessInstance.Status.COMPLETED


# What residents type, and the starter services it must find (among others).
SEARCHES = {
    "council tax": {
        "council-tax-tell-us-you-are-moving",
        "apply-for-a-single-person-discount",
        "report-a-change-to-your-council-tax",
        "pay-your-council-tax-by-direct-debit",
    },
    "parking fine": {"challenge-a-penalty-charge-notice"},
    "pcn": {"challenge-a-penalty-charge-notice"},
    "parking": {"apply-for-a-resident-parking-permit", "challenge-a-penalty-charge-notice"},
    "taxi license": {"apply-for-a-taxi-or-private-hire-driver-licence"},
    "bed bugs": {"book-pest-control"},
    "homless": {"get-help-if-you-are-homeless"},
    "noisy neighbours": {"report-a-noise-problem"},
    "housing benefit": {"benefits-report-a-change-in-circumstances"},
    "mould": {"report-a-repair-in-your-council-home"},
    "extension": {"get-pre-application-planning-advice", "report-a-planning-breach"},
    "blue badge": {"check-if-you-can-get-a-blue-badge", "apply-for-a-blue-badge"},
    "free school meals": {
        "check-if-your-child-can-get-free-school-meals",
        "apply-for-free-school-meals",
    },
    "streetlight": {"report-a-street-light-fault"},
    "lamp post": {"report-a-street-light-fault"},
    "dog poo": {"report-dog-fouling"},
    "broken bin": {"order-a-new-or-replacement-bin"},
    "pay council tax": {"pay-your-council-tax"},
    "pay parking fine": {"pay-a-parking-fine"},
    "complaint": {"ask-for-a-review-of-your-complaint"},
    "thank you": {"give-a-compliment"},
    "contaminated land": {"make-an-environmental-information-request"},
}


def test_residents_find_starter_services_in_their_own_words(starter):
    for query, expected in SEARCHES.items():
        found = {service.slug for service in services_search(query)}
        assert expected <= found, query
    assert services_search("expenses") == []  # internal services are for staff only
    assert services_search("payslip") == []
