"""Every service of the catalogue works end to end (issue 17 point 4).

Each service file (the demo's and the starter catalogue's) is imported as the demo does, then
its form is walked once for each branch (walk.form_routes) with valid answers of every field
type, through the service functions the portal's pages call. Each route must end where its
service says: a request in its team's queue, due by its SLA, on its process, and a payment
step when it charges a fee; an eligibility checker on one of its outcomes, keeping nothing;
an information service on its advice page alone. One broken service fails the test, named
with the route that broke it.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace

import pytest
from django.db import transaction
from django.urls import reverse

from townhall.cases.models import Case, CaseEvent
from townhall.catalogue.clocks import service_due_at
from townhall.catalogue.models import Service
from townhall.catalogue.starter import starter_service_files
from townhall.catalogue.tests.walk import (
    FIRST_OFFERED_SLOT,
    Place,
    Route,
    form_routes,
    post_data,
)
from townhall.demo.bookings import demo_booking_slots_load
from townhall.demo.contractors import demo_contractors_load
from townhall.demo.council import demo_service_files
from townhall.demo.loader import demo_gazetteer_load, demo_services_load
from townhall.eforms.engine import OUTCOME_REACHED
from townhall.eforms.fields import AnswersSoFar, slot_choices
from townhall.eforms.lookups import LOOKUPS, lookup_get
from townhall.eforms.models import FormSession
from townhall.eforms.services import (
    form_flow,
    form_outcome_reach,
    form_page_submit,
    form_session_start,
    submission_submit,
)
from townhall.payments.services import case_fee_pence
from townhall.places.models import Address
from townhall.portal.journey import GUEST_SESSIONS_KEY
from townhall.portal.payment_views import payment_needed
from townhall.workflow.models import ProcessInstance, WorkItem

pytestmark = pytest.mark.django_db

SLUGS = [name.removesuffix(".yaml") for name, _ in demo_service_files() + starter_service_files()]


@pytest.fixture
def catalogue(settings) -> dict[str, Service]:
    settings.NOTIFY_CHANNEL = "django"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    demo_gazetteer_load()
    demo_services_load()
    demo_contractors_load()  # the contractors processes send jobs to, as in the demo
    demo_booking_slots_load()  # the demo's collection dates, for services booking one
    return {s.slug: s for s in Service.objects.select_related("form")}


def _place() -> Place:
    address = Address.objects.order_by("uprn").first()
    assert address is not None, "the demo gazetteer is not loaded"
    return Place(uprn=address.uprn, lat=address.lat, lon=address.lon)


def _slots_resolved(session: FormSession, fields: list[dict], given: dict) -> dict:
    """A slot question's planned answer is the first date with room its page offers."""
    resolved = dict(given)
    for spec in fields:
        if resolved.get(spec["name"]) == FIRST_OFFERED_SLOT:
            known = AnswersSoFar(session.service_id, session.answers, form_flow(session).fields)
            _, choices = slot_choices(spec, known)
            offered = [c["value"] for c in choices if not c["disabled"]]
            assert offered, f"{session.service.slug}: no date offered for {spec['name']}"
            resolved[spec["name"]] = offered[0]
    return resolved


@contextmanager
def _lookup_finds(page_lookup: dict | None, planned: dict) -> Iterator[None]:
    """While a page with a lookup is answered, its lookup finds what the route planned (a
    missed bin too early, too late, in the window...) on top of what it really finds."""
    lookup = lookup_get(page_lookup["name"]) if page_lookup else None
    if lookup is None:
        yield
        return
    found = {name: planned[name] for name in lookup.outputs if name in planned}

    def run(**given):
        return {**lookup.run(**given), **found}

    LOOKUPS.register(replace(lookup, run=run), name=lookup.name)
    try:
        yield
    finally:
        LOOKUPS.register(lookup, name=lookup.name)


@contextmanager
def _lookups_find_as_planned(session: FormSession, route: Route) -> Iterator[None]:
    """While the form is sent, each lookup on the route (run again then, as it reads the
    world of that moment) finds what the route planned for its page."""
    flow = form_flow(session)
    with ExitStack() as stack:
        for page_id, given in route.steps:
            page = flow.page(page_id)
            if page is not None and page.lookup:
                stack.enter_context(_lookup_finds(page.lookup, given))
        yield


def _walk(service: Service, route: Route) -> FormSession:
    """Answer each page of the route as planned; each must be accepted and lead on where
    the plan says."""
    session = form_session_start(service=service)
    flow = form_flow(session)
    for number, (page_id, given) in enumerate(route.steps):
        page = flow.page(page_id)
        assert page is not None, page_id
        data, files = post_data(page.fields, _slots_resolved(session, page.fields, given))
        with _lookup_finds(page.lookup, given):
            outcome = form_page_submit(session=session, page_id=page_id, data=data, files=files)
        assert outcome.ok, f"page {page_id} refused {given}: {outcome.errors}"
        planned = route.steps[number + 1][0] if number + 1 < len(route.steps) else route.end
        assert outcome.next_page_id == planned, f"after {page_id}: {outcome.next_page_id}"
    return session


def _check_request(service: Service, session: FormSession) -> Case:
    """Sent: a case in its team's queue (or where its process routed it), due by its
    clock, on its process, with its open work items given to a team."""
    case = submission_submit(session=session)
    case.refresh_from_db()
    assert case.service_id == service.pk
    assert service.default_team_id is not None, "the service names no team"
    # The process may route the case on (fly-tipping's decision table picks a crew): then
    # its timeline says so, as the process's own change.
    routing = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ASSIGNED, actor=None)
    if case.team_id != service.default_team_id:
        assert case.team is not None and routing.filter(data__team=case.team.name).exists(), (
            f"in team {case.team}, not {service.default_team}, and no process routed it there"
        )
    else:
        assert case.department_id == service.department_id
    if not routing.filter(data__has_key="due_at").exists():
        assert case.due_at == service_due_at(service=service, received=case.created_at)
    if service.process_key:
        instance = ProcessInstance.objects.get(case=case)
        assert instance.version.key == service.process_key
        assert instance.status != ProcessInstance.Status.NEEDS_ATTENTION, instance.last_error
        for item in WorkItem.objects.filter(case=case, status=WorkItem.Status.OPEN):
            assert item.team_id is not None, f"work item {item.title!r} has no team"
    return case


def _check_outcome(service: Service, session: FormSession, route: Route) -> None:
    """Ended on an outcome: the one planned, nothing sent, nothing kept."""
    reached = form_outcome_reach(session=session)
    assert reached["id"] == route.outcome
    assert not FormSession.objects.filter(pk=session.pk).exists()
    assert not Case.objects.filter(service=service).exists()


def _pay_page_shown(client, service: Service, session: FormSession) -> bool:
    """What the portal shows a guest who sent this form: the pay page, or the confirmation."""
    browser = client.session
    browser[GUEST_SESSIONS_KEY] = [str(session.pk)]
    browser.save()
    page = client.get(reverse("portal:form_done", args=[service.slug, session.pk]))
    assert page.status_code == 200
    return "Pay for your request" in page.content.decode()


def _branches(definition: dict) -> set[tuple[str, int]]:
    """Every branch of every page that can apply: those up to its first without a condition."""
    found = set()
    for page in definition["pages"]:
        for index, branch in enumerate(page.get("next", [])):
            found.add((page["id"], index))
            if "when" not in branch:
                break
    return found


def _walk_service(service: Service, place: Place, client) -> list[str]:
    """Every route of one service's form; the problems found, each naming its route."""
    problems: list[str] = []
    if service.kind == Service.Kind.INFORMATION:
        page = client.get(reverse("portal:service_start", args=[service.slug]))
        if page.status_code != 200 or "Start now" in page.content.decode():
            problems.append("its advice page does not show, or offers a form")
        return problems
    version = service.form.live_version() if service.form else None
    if version is None:
        return ["no published form"]
    routes = form_routes(version.definition, ask_contact=True, place=place)
    ends = {route.end for route in routes}
    untaken = _branches(version.definition) - set().union(*(route.taken for route in routes))
    if untaken:
        problems.append(f"no answers take these branches (page, index): {sorted(untaken)}")
    if service.kind == Service.Kind.ELIGIBILITY and ends != {OUTCOME_REACHED}:
        problems.append(f"an eligibility checker must end on outcomes, not {ends}")
    charged = False
    for route in routes:
        try:
            with transaction.atomic():
                session = _walk(service, route)
                if route.end == OUTCOME_REACHED:
                    _check_outcome(service, session, route)
                    continue
                with _lookups_find_as_planned(session, route):
                    case = _check_request(service, session)
                if case_fee_pence(case) > 0:
                    charged = True
                    assert payment_needed(case), "a fee but no payment step"
                    assert _pay_page_shown(client, service, session), "no pay page"
                elif service.fee_pence and not service.fee_rules:
                    raise AssertionError(f"a flat fee of {service.fee_pence}p not charged")
        except Exception as error:  # every service is walked; each failure is reported
            problems.append(f"{route.describe()}: {type(error).__name__}: {error}")
    if (service.fee_pence or service.fee_rules) and not charged and not problems:
        problems.append("a paid service, but no route came to a payment step")
    return problems


def test_every_service_in_the_catalogue_works_end_to_end(catalogue, client):
    place = _place()
    assert set(SLUGS) <= set(catalogue), "a service file did not import"
    problems: dict[str, list[str]] = {}
    for slug in SLUGS:
        found = _walk_service(catalogue[slug], place, client)
        if found:
            problems[slug] = found
    assert not problems, "\n".join(
        f"{slug}:\n  " + "\n  ".join(found) for slug, found in problems.items()
    )


def test_the_walk_takes_every_branch_of_a_form_with_outcomes_and_a_show_if_page():
    definition = {
        "title": "Branches",
        "pages": [
            {
                "id": "kind",
                "fields": [
                    {
                        "name": "kind",
                        "type": "radios",
                        "label": "Which?",
                        "required": True,
                        "options": [{"value": v, "label": v} for v in ("a", "b", "c")],
                    }
                ],
                "next": [
                    {"when": {"field": "kind", "op": "eq", "value": "c"}, "outcome": "not-us"},
                ],
            },
            {
                "id": "count",
                "show_if": {"field": "kind", "op": "eq", "value": "b"},
                "fields": [
                    {
                        "name": "count",
                        "type": "number",
                        "label": "How many?",
                        "min": 1,
                        "max": 20,
                        "integer": True,
                        "required": True,
                    },
                ],  # fmt: skip
                "next": [
                    {"when": {"field": "count", "op": "gt", "value": 5}, "goto": "check"},
                ],
            },
            {
                "id": "when",
                "fields": [
                    {
                        "name": "when",
                        "type": "date",
                        "label": "When?",
                        "date_range": "past",
                        "required": True,
                    },
                ],
            },  # fmt: skip
        ],
        "outcomes": [{"id": "not-us", "title": "Not ours", "body": ["Ask the county."]}],
    }
    routes = form_routes(definition, ask_contact=False, place=Place("1", 51.1, 0.87))
    described: set[str] = {route.describe() for route in routes}
    assert "kind > not-us" in described
    assert "kind > count > check" in described  # more than 5
    assert "kind > count > when > check" in described  # 5 or fewer
    assert "kind > when > check" in described  # "a": the count page skipped
