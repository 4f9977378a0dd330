"""What the demo council offers: departments and teams, services, forms and demo accounts.

Plain data, read by `townhall.demo.loader`. Each service's form definition is a JSON file in
`forms/<service slug>.json` beside this module, validated against the eForms schema by the
tests.

Dates in form conditions (`before`/`after`) are written relative to the day the form is
filled in: "today", "today-2d", "today+14d".

Channel costs follow Socitm's "Channel value benchmarking" orders of magnitude (web
£0.15–£0.50, phone £2.80–£4.50, face to face £8–£14 a transaction); a field cost is the
cost of the visit or job that resolves the request. Ashford brought the cost of dealing with
one fly tip down from £90 to £27 by digitising the process end to end: £27 is the demo's field
cost of a fly tip.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

DEMO_FORMS_DIR = Path(__file__).resolve().parent / "forms"


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


@dataclass(frozen=True)
class DemoService:
    name: str
    summary: str
    department: str
    team: str
    reference_prefix: str
    sla_days: int
    sla_kind: str = "working_days"
    keywords: str = ""
    open311_code: str = ""
    fee_pence: int | None = None
    audience: str = "public"
    popularity_rank: int | None = None  # 1 = most used; None = not among the popular ones
    needs_location: bool = False
    is_sensitive: bool = False
    # Cost of one transaction on each channel, in pence.
    channel_costs: dict[str, int] = field(default_factory=dict)
    # Share of cases per six months in the demo history, and how they usually arrive.
    demo_cases_per_six_months: int = 0
    # The rule for the due date: "sla" (the target above) or a statutory clock.
    clock_kind: str = "sla"

    @property
    def process_key(self) -> str:
        """Each demo service runs the library process named by its slug."""
        return self.slug

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def is_popular(self) -> bool:
        return self.popularity_rank is not None

    def form_definition(self) -> dict:
        return json.loads((DEMO_FORMS_DIR / f"{self.slug}.json").read_text(encoding="utf-8"))


def _costs(web: int, phone: int, face_to_face: int, field: int) -> dict[str, int]:
    return {"web": web, "phone": phone, "face_to_face": face_to_face, "field": field}


DEMO_SERVICES = [
    DemoService(
        name="Report fly-tipping",
        summary="Tell us about rubbish dumped on a street, verge, alley or open land.",
        department="Waste and street scene",
        team="Street scene crew",
        reference_prefix="FT",
        sla_days=5,
        keywords="fly tip, flytipping, dumped rubbish, illegal dumping, mattress, rubble",
        open311_code="fly_tipping",
        popularity_rank=2,
        needs_location=True,
        # Ashford: £90 an incident before, £27 after; the phone call still costs its own.
        channel_costs=_costs(web=35, phone=420, face_to_face=1050, field=2700),
        demo_cases_per_six_months=140,  # Ashford: ~700 each six months, scaled down
    ),
    DemoService(
        name="Report a missed bin collection",
        summary="Tell us if your bin was not emptied on your collection day.",
        department="Waste and street scene",
        team="Waste contracts",
        reference_prefix="MB",
        sla_days=2,
        keywords="bin, rubbish, recycling, not collected, missed collection, refuse",
        open311_code="missed_bin",
        popularity_rank=1,
        channel_costs=_costs(web=18, phone=310, face_to_face=860, field=1250),
        demo_cases_per_six_months=90,
    ),
    DemoService(
        name="Report a pothole or road defect",
        summary="Tell us about a pothole, damaged pavement, drain or road sign.",
        department="Environmental services",
        team="Highways liaison",
        reference_prefix="RD",
        sla_days=10,
        keywords="pothole, road, pavement, footpath, drain, gully, road sign, kerb",
        open311_code="pothole",
        popularity_rank=5,
        needs_location=True,
        channel_costs=_costs(web=30, phone=380, face_to_face=950, field=4800),
        demo_cases_per_six_months=40,
    ),
    DemoService(
        name="Report an abandoned vehicle",
        summary="Tell us about a vehicle that seems to have been left on a road or land.",
        department="Environmental services",
        team="Environmental enforcement",
        reference_prefix="AV",
        sla_days=10,
        keywords="abandoned car, vehicle, untaxed, dumped car, burnt out",
        open311_code="abandoned_vehicle",
        needs_location=True,
        channel_costs=_costs(web=35, phone=400, face_to_face=980, field=3500),
        demo_cases_per_six_months=12,
    ),
    DemoService(
        name="Report graffiti",
        summary="Tell us about graffiti on a public building, wall, bridge or street furniture.",
        department="Waste and street scene",
        team="Street scene crew",
        reference_prefix="GR",
        sla_days=10,
        keywords="graffiti, tagging, vandalism, offensive graffiti, paint",
        open311_code="graffiti",
        needs_location=True,
        channel_costs=_costs(web=25, phone=340, face_to_face=900, field=4200),
        demo_cases_per_six_months=18,
    ),
    DemoService(
        name="Report a dead animal",
        summary="Tell us about a dead animal on a road, pavement or public land.",
        department="Waste and street scene",
        team="Street scene crew",
        reference_prefix="DA",
        sla_days=2,
        keywords="dead animal, fox, badger, deer, bird, cat, dog, roadkill",
        open311_code="dead_animal",
        needs_location=True,
        channel_costs=_costs(web=25, phone=330, face_to_face=880, field=2200),
        demo_cases_per_six_months=15,
    ),
    DemoService(
        name="Book a bulky waste collection",
        summary="Book a collection of large household items such as furniture and fridges.",
        department="Waste and street scene",
        team="Specialist clearance contractor",
        reference_prefix="BW",
        sla_days=10,
        keywords="bulky waste, sofa, fridge, freezer, mattress, furniture, large items",
        fee_pence=3500,  # up to 5 items; more items cost extra
        popularity_rank=3,
        channel_costs=_costs(web=45, phone=450, face_to_face=1200, field=1800),
        demo_cases_per_six_months=45,
    ),
    DemoService(
        name="Subscribe to garden waste collection",
        summary="Pay for a brown bin for garden waste, emptied every two weeks.",
        department="Waste and street scene",
        team="Waste contracts",
        reference_prefix="GW",
        sla_days=10,
        keywords="garden waste, brown bin, green waste, grass, hedge cuttings, subscription",
        fee_pence=5200,  # £52 a year
        popularity_rank=4,
        channel_costs=_costs(web=50, phone=420, face_to_face=1100, field=900),
        demo_cases_per_six_months=35,
    ),
    DemoService(
        name="Apply to rent a garage",
        summary="Apply to rent a council garage in Kingsmead.",
        department="Property services",
        team="Garages and estates",
        reference_prefix="GA",
        sla_days=20,
        keywords="garage, lock-up, rent a garage, parking space, storage",
        channel_costs=_costs(web=40, phone=450, face_to_face=1250, field=2500),
        demo_cases_per_six_months=8,
    ),
    DemoService(
        name="Make a Freedom of Information request",
        summary="Ask for information the council holds.",
        department="Legal and information governance",
        team="Information governance",
        reference_prefix="FOI",
        sla_days=20,
        clock_kind="foi",  # 20 working days, bank holidays anywhere in the UK excluded
        keywords="FOI, freedom of information, information request, EIR, transparency",
        channel_costs=_costs(web=50, phone=420, face_to_face=1100, field=0),
        demo_cases_per_six_months=20,
    ),
    DemoService(
        name="Make a subject access request",
        summary="Ask for a copy of the personal information the council holds about you.",
        department="Legal and information governance",
        team="Information governance",
        reference_prefix="SAR",
        # The law says one calendar month (the clock); the SLA figures are for reports only.
        sla_days=30,
        sla_kind="calendar_days",
        clock_kind="sar",
        keywords="SAR, subject access, personal data, GDPR, data protection, my data",
        is_sensitive=True,
        channel_costs=_costs(web=50, phone=450, face_to_face=1300, field=0),
        demo_cases_per_six_months=6,
    ),
    DemoService(
        name="Make a complaint",
        summary="Complain about a council service or how you were treated.",
        department="Customer services",
        team="Complaints and feedback",
        reference_prefix="CMP",
        sla_days=10,
        clock_kind="complaint_stage_1",
        keywords="complaint, complain, unhappy, poor service, feedback, ombudsman",
        is_sensitive=True,
        channel_costs=_costs(web=45, phone=450, face_to_face=1400, field=0),
        demo_cases_per_six_months=14,
    ),
    DemoService(
        name="Request a call back",
        summary="Ask someone from the council to phone you back.",
        department="Customer services",
        team="Contact centre",
        reference_prefix="CB",
        sla_days=2,
        keywords="call back, phone me, ring me, speak to someone, contact",
        popularity_rank=6,
        channel_costs=_costs(web=15, phone=283, face_to_face=862, field=0),
        demo_cases_per_six_months=25,
    ),
    DemoService(
        name="Sheltered housing check",
        summary="Record a welfare and property check at a sheltered housing scheme.",
        department="Housing",
        team="Sheltered housing",
        reference_prefix="SHC",
        sla_days=5,
        keywords="sheltered housing, welfare check, scheme manager, warden, tenant",
        audience="staff",
        channel_costs=_costs(web=20, phone=300, face_to_face=900, field=1600),
        demo_cases_per_six_months=20,
    ),
    DemoService(
        name="Internal insurance claim",
        summary="Record an insurance claim against the council for assessment.",
        department="Insurance",
        team="Insurance and risk",
        reference_prefix="INS",
        sla_days=15,
        keywords="insurance, claim, liability, trip, damage, compensation",
        audience="staff",
        channel_costs=_costs(web=60, phone=450, face_to_face=1200, field=3000),
        demo_cases_per_six_months=6,
    ),
]


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
