from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from townhall.accounts.models import Department, Team, User
from townhall.builder.selectors import service_export, services_for_export
from townhall.cases.models import Case, CaseEvent
from townhall.catalogue.models import ChannelCost, Service
from townhall.catalogue.starter import STARTER_DIR
from townhall.core.models import AuditEvent
from townhall.demo.council import DEMO_SERVICES_DIR, demo_form_definition, demo_service_files
from townhall.demo.loader import demo_departments_load, demo_services_load
from townhall.eforms.models import Form, FormVersion
from townhall.places.models import Address, Street, Ward
from townhall.workflow.library import library_files
from townhall.workflow.models import ProcessVersion

pytestmark = pytest.mark.django_db

# The demo's own services, then the starter catalogue's (catalogue/starter).
DEMO_SERVICES = 17
SERVICE_FILES = DEMO_SERVICES + len(list(STARTER_DIR.glob("*.yaml")))

ACCEPTANCE_ACCOUNTS = {
    "resident@example.com": ("Resident-demo-1", "resident"),
    "resident2@example.com": ("Resident-demo-2", "resident"),
    "agent@example.gov.uk": ("Agent-demo-1", "agent"),
    "waste.officer@example.gov.uk": ("Officer-demo-1", "officer"),
    "housing.officer@example.gov.uk": ("Officer-demo-2", "officer"),
    "admin@example.gov.uk": ("Admin-demo-1", "admin"),
}


def _load_demo(*args: str) -> str:
    """Run the command; without arguments it skips the case history to stay fast."""
    out = StringIO()
    call_command("load_demo", *(args or ("--cases", "0")), stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    models = [Ward, Street, Address, Department, Team, User, Service, ChannelCost, Form]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["FormVersion"] = FormVersion.objects.count()
    counts["Case"] = Case.objects.count()
    counts["CaseEvent"] = CaseEvent.objects.count()
    return counts


def test_load_demo_twice_gives_identical_counts():
    _load_demo("--cases", "80")
    first = _counts()
    _load_demo("--cases", "80")
    assert _counts() == first
    assert first["Address"] >= 2200
    assert first["Street"] >= 24
    assert first["Case"] == 80


def test_load_demo_prints_a_summary():
    output = _load_demo("--cases", "40")
    assert f"Demo council loaded: 2306 addresses, {SERVICE_FILES} services, 40 cases" in output


def test_load_demo_does_not_reset_a_changed_password():
    _load_demo()
    user = User.objects.get(email="resident@example.com")
    user.set_password("A-new-password-42")
    user.save()
    _load_demo()
    user.refresh_from_db()
    assert user.check_password("A-new-password-42")
    assert not user.check_password("Resident-demo-1")


def test_demo_accounts_are_those_of_the_acceptance_contract():
    _load_demo()
    for email, (password, role) in ACCEPTANCE_ACCOUNTS.items():
        user = User.objects.get(email=email)
        assert user.check_password(password), email
        assert user.role == role
        assert user.email_verified_at is not None
        assert user.is_active
    admin = User.objects.get(email="admin@example.gov.uk")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(email="agent@example.gov.uk").is_superuser


def test_demo_residents_live_in_tn23_1aa():
    _load_demo()
    for email in ("resident@example.com", "resident2@example.com"):
        resident = User.objects.get(email=email)
        assert resident.full_name
        assert resident.postcode == "TN23 1AA"
        assert Address.objects.get(uprn=resident.uprn).postcode == "TN23 1AA"
        assert resident.address_line


def test_demo_officers_belong_to_their_departments_and_teams():
    _load_demo()
    waste = User.objects.get(email="waste.officer@example.gov.uk")
    assert set(waste.departments.values_list("name", flat=True)) == {
        "Waste and street scene",
        "Environmental services",
    }
    assert waste.teams.filter(name="Street scene crew").exists()
    housing = User.objects.get(email="housing.officer@example.gov.uk")
    assert list(housing.departments.values_list("name", flat=True)) == ["Housing"]
    agent = User.objects.get(email="agent@example.gov.uk")
    assert list(agent.departments.values_list("name", flat=True)) == ["Customer services"]


def test_load_demo_puts_back_a_demo_role():
    _load_demo()
    User.objects.filter(email="agent@example.gov.uk").update(role="resident")
    _load_demo()
    assert User.objects.get(email="agent@example.gov.uk").role == "agent"


def test_thirteen_departments_with_one_to_three_teams():
    _load_demo()
    assert Department.objects.count() == 13
    for department in Department.objects.all():
        assert 1 <= department.teams.count() <= 3, department.name
    waste_teams = Team.objects.filter(department__name="Waste and street scene")
    assert set(waste_teams.values_list("name", flat=True)) == {
        "Street scene crew",
        "Waste contracts",
        "Specialist clearance contractor",
    }


def test_every_public_service_has_a_published_form_of_its_file():
    _load_demo()
    assert Service.objects.count() == SERVICE_FILES
    # An information service is an advice page: no form.
    assert set(Service.objects.filter(form=None).values_list("kind", flat=True)) == {
        Service.Kind.INFORMATION
    }
    demo_slugs = {name.removesuffix(".yaml") for name, _ in demo_service_files()}
    for service in Service.objects.exclude(form=None).filter(slug__in=demo_slugs):
        version = service.form.live_version()
        assert version is not None, service.name
        assert version.status == FormVersion.Status.PUBLISHED
        assert version.published_at is not None
        assert version.number == 1
        assert version.definition == demo_form_definition(service.slug)


def test_demo_services_keep_their_plain_names_and_settings():
    _load_demo()
    names = set(Service.objects.values_list("name", flat=True))
    assert {
        "Report fly-tipping",
        "Report a missed bin collection",
        "Report a pothole or road defect",
        "Report an abandoned vehicle",
        "Report graffiti",
        "Report a dead animal",
        "Book a bulky waste collection",
        "Subscribe to garden waste collection",
        "Apply to rent a garage",
        "Make a Freedom of Information request",
        "Make a subject access request",
        "Make a complaint",
        "Request a call back",
    } <= names
    assert Service.objects.filter(audience=Service.Audience.STAFF).count() >= 2
    popular = Service.objects.filter(is_popular=True).order_by("popularity_rank")
    assert list(popular.values_list("popularity_rank", flat=True)) == [1, 2, 3, 4, 5, 6]
    fly_tipping = Service.objects.get(name="Report fly-tipping")
    assert fly_tipping.reference_prefix == "FT"
    assert fly_tipping.open311_code == "fly_tipping"
    assert fly_tipping.needs_location
    assert fly_tipping.department.name == "Waste and street scene"
    assert fly_tipping.default_team.name == "Street scene crew"
    sar = Service.objects.get(name="Make a subject access request")
    assert sar.is_sensitive and sar.sla_kind == "calendar_days" and sar.sla_days == 30
    complaint = Service.objects.get(name="Make a complaint")
    assert complaint.is_sensitive and complaint.sla_days == 10
    assert Service.objects.get(name="Make a Freedom of Information request").sla_days == 20
    assert Service.objects.get(name="Subscribe to garden waste collection").fee_pence == 5200
    assert not Service.objects.get(name="Report a missed bin collection").needs_location


def test_every_demo_service_has_costs_on_four_channels():
    _load_demo()
    for service in Service.objects.all():
        channels = set(service.channel_costs.values_list("channel", flat=True))
        assert {"web", "phone", "face_to_face", "field"} <= channels, service.name
        costs = {c.channel: c.cost_pence for c in service.channel_costs.all()}
        assert costs["web"] < costs["phone"] < costs["face_to_face"]
    assert (
        ChannelCost.objects.get(service__slug="report-fly-tipping", channel="field").cost_pence
        == 2700
    )


def test_the_service_files_import_into_an_empty_database_and_export_back_byte_for_byte():
    # Only what a service file names beforehand: the demo's departments and teams are
    # declared in the files too, so even they are not needed; load them as the demo does.
    demo_departments_load()
    demo_services_load()
    exported = {f"{s.slug}.yaml": service_export(s) for s in services_for_export()}
    committed = {
        p.name: p.read_text(encoding="utf-8")
        for directory in (DEMO_SERVICES_DIR, STARTER_DIR)
        for p in directory.glob("*.yaml")
    }
    assert len(committed) == SERVICE_FILES
    assert exported == committed


def test_the_service_files_import_into_a_database_without_departments():
    services = demo_services_load()
    assert len(services) == SERVICE_FILES
    assert Department.objects.filter(slug="waste-and-street-scene").exists()


def test_each_demo_service_runs_its_library_process_named_by_its_key():
    _load_demo()
    library = {key: bpmn for key, bpmn, _ in library_files()}
    # Information services and eligibility checkers make no case: no process.
    without = Service.objects.filter(kind__in=[Service.Kind.INFORMATION, Service.Kind.ELIGIBILITY])
    assert set(without.values_list("process_key", flat=True)) == {""}
    for service in Service.objects.exclude(pk__in=without):
        live = ProcessVersion.objects.get(key=service.process_key, is_live=True)
        assert live.bpmn_xml == library[service.process_key], service.slug
    for path in [*DEMO_SERVICES_DIR.glob("*.yaml"), *STARTER_DIR.glob("*.yaml")]:
        assert "<bpmn:" not in path.read_text(encoding="utf-8"), "a second copy of a BPMN"


def test_loading_the_services_again_writes_nothing():
    _load_demo()
    counts = (FormVersion.objects.count(), ProcessVersion.objects.count())
    events = AuditEvent.objects.count()
    _load_demo()
    assert (FormVersion.objects.count(), ProcessVersion.objects.count()) == counts
    assert AuditEvent.objects.count() == events


def test_a_refused_demo_service_file_stops_load_demo_naming_the_file_and_reason(
    tmp_path, monkeypatch
):
    broken = (DEMO_SERVICES_DIR / "report-graffiti.yaml").read_text(encoding="utf-8")
    (tmp_path / "report-graffiti.yaml").write_text(
        broken.replace("reference_prefix: GR", "reference_prefix: 12"), encoding="utf-8"
    )
    monkeypatch.setattr("townhall.demo.council.DEMO_SERVICES_DIR", tmp_path)
    with pytest.raises(CommandError) as caught:
        call_command("load_demo", "--cases", "0", stdout=StringIO())
    assert "report-graffiti.yaml: /reference_prefix: 12 is not of type 'string'" in str(
        caught.value
    )
    assert not Service.objects.exists()
