"""Load the demo council: gazetteer, departments, accounts, the services (service files,
imported with their forms and library processes), the demo's contractors and Open311
client, and a history of cases. Every step matches on natural keys (code, USRN, UPRN, slug,
email), so running it on every start of `make demo` changes nothing once the demo is
loaded, and is fast.
"""

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from townhall.accounts.models import Department, Team, User
from townhall.builder.services import service_files_import
from townhall.cases import services as case_services
from townhall.cases.models import Case, CaseEvent
from townhall.catalogue.models import Service
from townhall.catalogue.starter import starter_service_files
from townhall.demo.answers import demo_answers_make, demo_summary
from townhall.demo.bookings import demo_booking_slots_load
from townhall.demo.contractors import demo_contractors_load
from townhall.demo.council import (
    DEMO_ACCOUNTS,
    DEMO_CASES_PER_SIX_MONTHS,
    DEMO_DEPARTMENTS,
    demo_service_files,
    team_slug,
)
from townhall.demo.gazetteer import gazetteer_generate
from townhall.demo.open311 import demo_open311_client_load
from townhall.demo.waste import demo_waste_load
from townhall.places.models import Address, Street
from townhall.places.selectors import addresses_for_postcode
from townhall.places.services import gazetteer_load

logger = logging.getLogger(__name__)

# Below this many cases the demo is taken to be empty and a case history is generated.
DEMO_CASES_THRESHOLD = 50
DEMO_CASES_SEED = 311


@dataclass(frozen=True)
class DemoSummary:
    addresses: int
    services: int
    cases: int
    cases_note: str = ""

    def __str__(self) -> str:
        line = (
            f"Demo council loaded: {self.addresses} addresses, {self.services} services, "
            f"{self.cases} cases"
        )
        return f"{line}\n{self.cases_note}" if self.cases_note else line


def demo_council_load(*, cases: int = 300) -> DemoSummary:
    """Load or refresh the whole demo council; create a case history if there is none."""
    demo_gazetteer_load()
    departments, teams = demo_departments_load()
    accounts = demo_accounts_load(departments=departments, teams=teams)
    # The services' files name their library processes, so importing them publishes those
    # too (before any case, which starts its service's process). The demo sits on top of
    # every app and calls each one's loader itself: the contractors the processes send jobs
    # to, and the Open311 client whose key the README prints.
    demo_services_load(actor=accounts["admin@example.gov.uk"])
    demo_contractors_load()
    demo_open311_client_load()
    demo_waste_load()  # after the contractors: the waste contractor reports a crew's result
    demo_booking_slots_load()
    note = demo_cases_create(count=cases).note if cases else "Demo cases: not asked for."
    return DemoSummary(
        addresses=Address.objects.count(),
        services=Service.objects.count(),
        cases=_case_count(),
        cases_note=note,
    )


def demo_gazetteer_load() -> int:
    """Load the demo gazetteer unless it is already there; return addresses written."""
    gazetteer = gazetteer_generate()
    if Address.objects.count() == gazetteer.address_count and Street.objects.count() == len(
        gazetteer.streets
    ):
        return 0
    return gazetteer_load(gazetteer=gazetteer)


@transaction.atomic
def demo_departments_load() -> tuple[dict[str, Department], dict[tuple[str, str], Team]]:
    """Create the demo departments and their teams; return them by name."""
    departments: dict[str, Department] = {}
    teams: dict[tuple[str, str], Team] = {}
    for record in DEMO_DEPARTMENTS:
        department, _ = Department.objects.update_or_create(
            slug=record.slug, defaults={"name": record.name}
        )
        departments[record.name] = department
        for name in record.teams:
            teams[(record.name, name)], _ = Team.objects.update_or_create(
                slug=team_slug(record.name, name),
                defaults={"department": department, "name": name},
            )
    return departments, teams


@transaction.atomic
def demo_accounts_load(
    *, departments: dict[str, Department], teams: dict[tuple[str, str], Team]
) -> dict[str, User]:
    """Create the demo accounts of ACCEPTANCE.md. Passwords and personal details are set only
    when an account is created, so a password changed during a demo survives a restart;
    roles and memberships are put back, because the demo relies on them."""
    users: dict[str, User] = {}
    for record in DEMO_ACCOUNTS:
        user = User.objects.filter(email=record.email).first()
        if user is None:
            user = User.objects.create_user(
                record.email,
                record.password,
                full_name=record.full_name,
                phone=record.phone,
                **_home_address(record.postcode, record.address_index),
            )
        user.role = record.role
        user.is_staff = record.is_staff
        user.is_superuser = record.is_superuser
        user.is_active = True
        user.email_verified_at = user.email_verified_at or timezone.now()
        user.save()
        user.departments.set([departments[name] for name in record.departments])
        user.teams.set([teams[key] for key in record.teams])
        users[record.email] = user
    return users


def _home_address(postcode: str, index: int) -> dict[str, str]:
    if not postcode:
        return {}
    addresses = list(addresses_for_postcode(postcode))
    if not addresses:
        return {"postcode": postcode}
    address = addresses[index % len(addresses)]
    return {
        "address_line": f"{address.number_or_name} {address.street.name}, {address.street.town}",
        "postcode": address.postcode,
        "uprn": address.uprn,
    }


def demo_services_load(*, actor: User | None = None, starter: bool = True) -> list[Service]:
    """Import the demo's service files (`demo/services/*.yaml`), then, unless `starter` is
    false, the starter catalogue's (`catalogue/starter/*.yaml`), through the builder's import
    as one change, all or nothing; a file identical to its service changes nothing, so this is
    idempotent. Each file declares the departments and teams it names, so none need loading
    first."""
    files = demo_service_files() + (starter_service_files() if starter else [])
    return service_files_import(files=files, actor=actor)


# ----------------------------------------------------------------------------------------
# Case history


@dataclass(frozen=True)
class DemoCasesResult:
    created: int
    note: str


FIRST_NAMES = [
    "Olivia", "Jack", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Mia", "Leo",
    "Grace", "Oscar", "Freya", "Arthur", "Lily", "Mohammed", "Aisha", "Tomasz", "Zofia",
    "Daniel", "Sophie", "Ravi", "Chloe", "Kwame", "Ellie", "Ethan", "Hannah", "Liam",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Jones", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson", "Patel",
    "Khan", "Nowak", "Clarke", "Hughes", "Green", "Hall", "Wood", "Harris", "Lewis",
    "Martin", "Jackson", "Okonkwo", "Walker", "Wright", "Thompson", "White", "Edwards",
]  # fmt: skip
EMAIL_DOMAINS = ["example.com", "example.org", "example.net"]

# Where fly-tippers keep coming back: a few streets take a good share of the reports.
FLY_TIP_HOTSPOTS = ["Ferry Lane", "Riverside Walk", "Millers Way", "Weavers Lane"]

CLOSING_NOTES = {
    "completed": [
        "Our crew has dealt with this. Thank you for reporting it.",
        "This has been done. Thank you for letting us know.",
        "We have completed the work.",
    ],
    "no_further_action": ["We looked into this and there is nothing more we can do."],
    "duplicate": ["Someone else had already reported this. We dealt with it under that report."],
    "not_councils_responsibility": [
        "This is on private land, so it is for the landowner to deal with. We have told them.",
        "This is not something the council looks after. We have passed it to the right body.",
    ],
    "withdrawn": ["You withdrew this request."],
}
STARTING_NOTES = ["We have passed this to the team.", "An officer is looking into this."]


def _case_count() -> int:
    return Case.objects.count()


def demo_cases_create(*, count: int = 300, now: datetime | None = None) -> DemoCasesResult:
    """Create a six-month history of about `count` cases, only if the demo has fewer than
    DEMO_CASES_THRESHOLD. Cases go through `cases.services`, like any other case."""
    existing = _case_count()
    if existing >= DEMO_CASES_THRESHOLD:
        return DemoCasesResult(0, f"Demo cases: {existing} already there, none added.")
    now = now or timezone.now()
    plan = _DemoCasePlan(now=now, count=count)
    created = 0
    with transaction.atomic():
        for spec in plan.specs():
            _demo_case_make(plan, spec)
            created += 1
    return DemoCasesResult(created, f"Demo cases: {created} created.")


@dataclass
class _CaseSpec:
    service: Service
    received_at: datetime
    channel: str
    status: str
    resolution: str = ""
    resident: User | None = None


class _DemoCasePlan:
    """Decides, from a fixed seed, which cases the demo history holds."""

    def __init__(self, *, now: datetime, count: int) -> None:
        self.now = now
        self.count = count
        self.rng = random.Random(DEMO_CASES_SEED)
        self.services = {s.slug: s for s in Service.objects.select_related("department", "form")}
        # In the order of DEMO_CASES_PER_SIX_MONTHS, so the seed gives the same history.
        self.weighted = [
            (self.services[slug], weight)
            for slug, weight in DEMO_CASES_PER_SIX_MONTHS.items()
            if slug in self.services
        ]
        self._definitions: dict[str, dict] = {}
        self.users = {u.email: u for u in User.objects.filter(email__in=_demo_emails())}
        self.addresses = list(Address.objects.select_related("street"))
        self.hotspots = [a for a in self.addresses if a.street.name in FLY_TIP_HOTSPOTS]

    def specs(self) -> list[_CaseSpec]:
        specs = self._residents_cases()
        services = [service for service, _ in self.weighted]
        weights = [weight for _, weight in self.weighted]
        for _ in range(max(0, self.count - len(specs))):
            service = self.rng.choices(services, weights)[0]
            received_at = self._received_at()
            status, resolution = self._outcome(service, received_at)
            specs.append(
                _CaseSpec(
                    service=service,
                    received_at=received_at,
                    channel=self._channel(service),
                    status=status,
                    resolution=resolution,
                    resident=self._maybe_resident2(),
                )
            )
        # References are issued in order, so cases are made in the order they came in.
        return sorted(specs, key=lambda spec: spec.received_at)

    def _residents_cases(self) -> list[_CaseSpec]:
        """The demo residents' own cases: one of each status, for the "your requests" page."""
        resident = self.users.get("resident@example.com")
        if resident is None:
            return []
        wanted = [
            ("report-fly-tipping", 62, "closed", "completed"),
            ("book-a-bulky-waste-collection", 40, "closed", "completed"),
            ("report-a-missed-bin-collection", 3, "in_progress", ""),
            ("report-a-pothole-or-road-defect", 1, "open", ""),
        ]
        return [
            _CaseSpec(
                service=self.services[slug],
                received_at=self.now - timedelta(days=days, hours=3),
                channel="web",
                status=status,
                resolution=resolution,
                resident=resident,
            )
            for slug, days, status, resolution in wanted
            if slug in self.services
        ]

    def _maybe_resident2(self) -> User | None:
        return self.users.get("resident2@example.com") if self.rng.random() < 0.01 else None

    def _received_at(self) -> datetime:
        """A moment in the last six months, mostly on weekdays in the daytime."""
        while True:
            day = timezone.localtime(self.now - timedelta(days=self.rng.uniform(0, 182)))
            if day.weekday() >= 5 and self.rng.random() < 0.6:
                continue
            moment = day.replace(
                hour=self.rng.choice([8, 9, 9, 10, 10, 11, 12, 13, 14, 15, 16, 17, 19, 21]),
                minute=self.rng.randrange(60),
                second=self.rng.randrange(60),
                microsecond=0,
            )
            if moment < self.now:
                return moment

    def definition(self, service: Service) -> dict:
        """The live form definition of `service`, read once per service."""
        if service.slug not in self._definitions:
            live = service.form.live_version() if service.form is not None else None
            self._definitions[service.slug] = live.definition if live is not None else {}
        return self._definitions[service.slug]

    def _channel(self, service: Service) -> str:
        if service.audience == "staff":
            return self.rng.choices(["field", "phone"], [7, 3])[0]
        if service.open311_code:
            return self.rng.choices(["web", "phone", "face_to_face", "open311"], [58, 24, 4, 14])[0]
        return self.rng.choices(["web", "phone", "face_to_face"], [65, 29, 6])[0]

    def _outcome(self, service: Service, received_at: datetime) -> tuple[str, str]:
        age = (self.now - received_at).days
        if age > 30:
            weights = [3, 7, 90]
        elif age > 7:
            weights = [15, 30, 55]
        else:
            weights = [50, 35, 15]
        status = self.rng.choices(["open", "in_progress", "closed"], weights)[0]
        if status != "closed":
            return status, ""
        duplicates = 12 if service.slug == "report-fly-tipping" else 4
        resolution = self.rng.choices(
            [
                "completed",
                "no_further_action",
                "duplicate",
                "not_councils_responsibility",
                "withdrawn",
            ],
            [76, 8, duplicates, 6, 3],
        )[0]
        return status, resolution

    def place(self, service: Service) -> Address:
        if service.slug == "report-fly-tipping" and self.hotspots and self.rng.random() < 0.4:
            return self.rng.choice(self.hotspots)
        return self.rng.choice(self.addresses)

    def contact(self) -> tuple[str, str, str]:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        email = f"{first}.{last}{self.rng.randrange(10, 99)}@{self.rng.choice(EMAIL_DOMAINS)}"
        phone = f"07700 900{self.rng.randrange(1000):03d}"
        return f"{first} {last}", email.lower(), phone

    def officer(self, service: Service) -> User | None:
        by_department = {
            "Waste and street scene": "waste.officer@example.gov.uk",
            "Environmental services": "waste.officer@example.gov.uk",
            "Housing": "housing.officer@example.gov.uk",
            "Customer services": "agent@example.gov.uk",
        }
        email = by_department.get(service.department.name, "admin@example.gov.uk")
        return self.users.get(email)


def _demo_emails() -> list[str]:
    return [account.email for account in DEMO_ACCOUNTS]


def _demo_case_make(plan: _DemoCasePlan, spec: _CaseSpec) -> Case:
    service, rng = spec.service, plan.rng
    definition = plan.definition(service)
    address = plan.place(service)
    street = address.street
    answers = demo_answers_make(
        definition=definition, rng=rng, address=address, today=spec.received_at.date()
    )
    location: dict[str, Any] = {}
    if service.needs_location:
        # A pin dropped near, not on, a property.
        location = {
            "lat": round(address.lat + rng.uniform(-0.0002, 0.0002), 6),
            "lon": round(address.lon + rng.uniform(-0.0003, 0.0003), 6),
            "usrn": street.usrn,
            "location_text": f"Near {address.number_or_name} {street.name}",
        }
    elif any(f["type"] == "address" for page in definition["pages"] for f in page["fields"]):
        location = {
            "lat": address.lat,
            "lon": address.lon,
            "uprn": address.uprn,
            "usrn": street.usrn,
            "location_text": address.single_line,
        }
    resident = spec.resident
    raised_by = None
    if spec.channel in {"phone", "face_to_face"}:
        raised_by = plan.users.get("agent@example.gov.uk")
    elif spec.channel == "field":
        raised_by = plan.officer(spec.service)
    if resident is not None:
        name, email, phone = resident.full_name, resident.email, resident.phone
    elif spec.channel == "field":
        name, email, phone = "", "", ""  # found on patrol or raised by staff
    else:
        name, email, phone = plan.contact()
        if spec.channel == "phone" and rng.random() < 0.5:
            email = ""  # callers often give only a phone number
    case = case_services.case_create(
        service=spec.service,
        summary=demo_summary(definition, answers, default=service.name),
        channel=spec.channel,
        answers=answers,
        resident=resident,
        raised_by=raised_by,
        contact_name=name,
        contact_email=email,
        contact_phone=phone,
        received_at=spec.received_at,
        notify=False,  # history, not news: nobody is emailed about it
        **location,
    )
    last_event = _events_backdate(case, after_id=0, at=spec.received_at)
    if spec.status == "open":
        _case_backdate(case, received_at=spec.received_at, closed_at=None)
        return case
    actor = plan.officer(spec.service)
    started_at = min(spec.received_at + timedelta(hours=rng.uniform(1, 30)), plan.now)
    closed_at = None
    if spec.status == "closed":
        sla_days = service.sla_days * (1.4 if service.sla_kind == "working_days" else 1)
        closed_at = spec.received_at + timedelta(days=rng.uniform(0.2, 1.15) * sla_days)
        closed_at = min(closed_at, plan.now - timedelta(minutes=5))
        started_at = min(started_at, closed_at - timedelta(minutes=30))
        started_at = max(started_at, spec.received_at + timedelta(minutes=5))
    case = case_services.case_change_status(
        case=case,
        actor=actor,
        status="in_progress",
        public_note=rng.choice(STARTING_NOTES),
        notify=False,
    )
    last_event = _events_backdate(case, after_id=last_event, at=started_at)
    if closed_at is not None:
        case = case_services.case_change_status(
            case=case,
            actor=actor,
            status="closed",
            resolution=spec.resolution,
            public_note=rng.choice(CLOSING_NOTES[spec.resolution]),
            notify=False,
        )
        _events_backdate(case, after_id=last_event, at=closed_at)
    _case_backdate(case, received_at=spec.received_at, closed_at=closed_at)
    return case


# History cannot be made through cases.services, which stamps "now"; so the demo, and only
# the demo, moves the timestamps of what it has just created into the past.


def _events_backdate(case: Case, *, after_id: int, at: datetime) -> int:
    """Date the case's events written since event `after_id` at `at`; return the last id."""
    events = CaseEvent.objects.filter(case_id=case.pk, pk__gt=after_id)
    last = events.order_by("-pk").values_list("pk", flat=True).first()
    events.update(at=at)
    return last or after_id


def _case_backdate(case: Case, *, received_at: datetime, closed_at: datetime | None) -> None:
    Case.objects.filter(pk=case.pk).update(created_at=received_at, closed_at=closed_at)
