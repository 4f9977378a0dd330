"""What the demo council is: departments and teams, demo accounts, and where its services
are. Plain data, read by `townhall.demo.loader`.

Each service, with its form, settings and channel costs, is a service file (ADR 0009) in
`services/<slug>.yaml` beside this module, imported through `builder.services` like any
council's; its process is the library's of the same key, named in the file by that key.
Dates in form conditions (`before`/`after`) are written relative to the day the form is
filled in: "today", "today-2d", "today+14d".

Why some values in the files are what they are (an export cannot keep comments):
- Channel costs follow Socitm's "Channel value benchmarking" orders of magnitude (web
  £0.15–£0.50, phone £2.80–£4.50, face to face £8–£14 a transaction); a field cost is the
  cost of the visit or job that resolves the request. Ashford brought the cost of dealing
  with one fly tip down from £90 to £27 by digitising the process end to end: £27 is the
  demo's field cost of a fly tip (the phone call still costs its own).
- A subject access request's due date is the law's one calendar month (`clock: sar`); its
  30 calendar-day SLA is for reports only. An FOI request runs the `foi` clock: 20 working
  days, bank holidays anywhere in the UK excluded.
- Bulky waste costs £35 for up to 5 items (more cost extra); garden waste £52 a year.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from townhall.builder.exchange import service_file_defaults, service_file_load

DEMO_SERVICES_DIR = Path(__file__).resolve().parent / "services"


@dataclass(frozen=True)
class DemoDepartment:
    name: str
    teams: tuple[str, ...]

    @property
    def slug(self) -> str:
        return slugify(self.name)


# The 13 departments Ashford runs on its case management platform, in Kingsmead's words.
DEMO_DEPARTMENTS = [
    DemoDepartment(
        "Environmental services",
        ("Environmental health", "Environmental enforcement", "Highways liaison"),
    ),
    DemoDepartment(
        "Waste and street scene",
        ("Street scene crew", "Waste contracts", "Specialist clearance contractor"),
    ),
    DemoDepartment("Housing", ("Housing area managers", "Sheltered housing", "Housing options")),
    DemoDepartment("Licensing", ("Licensing team",)),
    DemoDepartment("Property services", ("Garages and estates", "Building maintenance")),
    DemoDepartment("Insurance", ("Insurance and risk",)),
    DemoDepartment("Revenues and benefits", ("Council tax", "Benefits")),
    DemoDepartment("Planning", ("Development management", "Planning enforcement")),
    DemoDepartment("Parking", ("Parking services", "Civil enforcement")),
    DemoDepartment("Customer services", ("Contact centre", "Complaints and feedback")),
    DemoDepartment(
        "Legal and information governance", ("Information governance", "Legal services")
    ),
    DemoDepartment("Human resources", ("HR advisory", "Payroll")),
    DemoDepartment("ICT", ("ICT service desk", "Digital team")),
]


def team_slug(department: str, team: str) -> str:
    """Team slugs are unique across the council, so they carry the department's."""
    return slugify(f"{department} {team}")[:50]


# How many cases a service gets in six months of demo history (Ashford's figures, scaled
# down), by slug. The services themselves are service files, `services/<slug>.yaml`.
DEMO_CASES_PER_SIX_MONTHS = {
    "report-fly-tipping": 140,  # Ashford: ~700 each six months
    "report-a-missed-bin-collection": 90,
    "report-a-pothole-or-road-defect": 40,
    "report-an-abandoned-vehicle": 12,
    "report-graffiti": 18,
    "report-a-dead-animal": 15,
    "book-a-bulky-waste-collection": 45,
    "subscribe-to-garden-waste-collection": 35,
    "apply-to-rent-a-garage": 8,
    "make-a-freedom-of-information-request": 20,
    "make-a-subject-access-request": 6,
    "make-a-complaint": 14,
    "request-a-call-back": 25,
    "sheltered-housing-check": 20,
    "internal-insurance-claim": 6,
    # No cases, ever: an advice page, and a checker that ends on an outcome page.
    "what-goes-in-which-bin": 0,
    "check-if-you-can-get-an-assisted-bin-collection": 0,
}


def demo_service_files() -> list[tuple[str, str]]:
    """(file name, text) of every demo service file, by slug."""
    return [
        (path.name, path.read_text(encoding="utf-8"))
        for path in sorted(DEMO_SERVICES_DIR.glob("*.yaml"))
    ]


def demo_service_data(slug: str) -> dict[str, Any]:
    """The data of the demo service file `slug`, read as an import reads it."""
    text = (DEMO_SERVICES_DIR / f"{slug}.yaml").read_text(encoding="utf-8")
    return service_file_defaults(service_file_load(text))


def demo_services_data() -> list[dict[str, Any]]:
    """The data of every demo service file, by slug."""
    return [demo_service_data(path.stem) for path in sorted(DEMO_SERVICES_DIR.glob("*.yaml"))]


def demo_form_definition(slug: str) -> dict[str, Any]:
    """The form definition the demo service `slug` publishes."""
    return demo_service_data(slug)["form"]["definition"]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    full_name: str
    role: str
    departments: tuple[str, ...] = ()
    teams: tuple[tuple[str, str], ...] = ()  # (department, team)
    phone: str = ""
    postcode: str = ""  # residents live at an address with this postcode
    address_index: int = 0  # which address of that postcode
    is_staff: bool = False
    is_superuser: bool = False


# The accounts ACCEPTANCE.md promises. Demo data only: never created outside load_demo.
DEMO_ACCOUNTS = [
    DemoAccount(
        email="resident@example.com",
        password="Resident-demo-1",  # noqa: S106 (demo accounts, demo data only)
        full_name="Sam Taylor",
        role="resident",
        phone="07700 900123",
        postcode="TN23 1AA",
        address_index=0,
    ),
    DemoAccount(
        email="resident2@example.com",
        password="Resident-demo-2",  # noqa: S106 (demo accounts, demo data only)
        full_name="Priya Shah",
        role="resident",
        phone="07700 900456",
        postcode="TN23 1AA",
        address_index=4,
    ),
    DemoAccount(
        email="agent@example.gov.uk",
        password="Agent-demo-1",  # noqa: S106 (demo accounts, demo data only)
        full_name="Alex Morgan",
        role="agent",
        departments=("Customer services",),
        teams=(("Customer services", "Contact centre"),),
    ),
    DemoAccount(
        email="waste.officer@example.gov.uk",
        password="Officer-demo-1",  # noqa: S106 (demo accounts, demo data only)
        full_name="Jo Bennett",
        role="officer",
        departments=("Waste and street scene", "Environmental services"),
        teams=(
            ("Waste and street scene", "Street scene crew"),
            ("Waste and street scene", "Waste contracts"),
            ("Environmental services", "Environmental enforcement"),
        ),
    ),
    DemoAccount(
        email="housing.officer@example.gov.uk",
        password="Officer-demo-2",  # noqa: S106 (demo accounts, demo data only)
        full_name="Chris Okafor",
        role="officer",
        departments=("Housing",),
        teams=(("Housing", "Housing area managers"), ("Housing", "Sheltered housing")),
    ),
    DemoAccount(
        email="admin@example.gov.uk",
        password="Admin-demo-1",  # noqa: S106 (demo accounts, demo data only)
        full_name="Kim Adeyemi",
        role="admin",
        is_staff=True,
        is_superuser=True,
    ),
]
