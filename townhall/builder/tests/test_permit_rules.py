"""Permit rules in the service file: exported, imported into an empty council the same,
changed by a file, checked before publish with reasons a designer understands, and never
removed from a service whose permits exist."""

import pytest
import yaml

from townhall.builder.exchange import ServiceFileInvalid, service_file_dump
from townhall.builder.models import ServiceVersion
from townhall.builder.selectors import service_export
from townhall.builder.services import service_import
from townhall.builder.tests.conftest import empty_council, import_state
from townhall.catalogue.models import Service
from townhall.core.models import AuditEvent
from townhall.permits.models import Permit, PermitScheme
from townhall.permits.tests.test_permits import _address, _applied

pytestmark = pytest.mark.django_db
GARDEN = "subscribe-to-garden-waste-collection"


def _garden(demo: dict[str, Service]) -> dict:
    return yaml.safe_load(service_export(demo[GARDEN]))


def _refused(data: dict) -> list[str]:
    with pytest.raises(ServiceFileInvalid) as caught:
        service_import(text=service_file_dump(data))
    return caught.value.reasons


def test_the_garden_waste_file_carries_its_permit_rules_into_an_empty_council(demo):
    text = service_export(demo[GARDEN])
    assert "\npermit:\n  number_prefix: GWP\n  period_start: paid\n" in text
    # Services that sell no permits write no permit rules at all.
    assert "permit:" not in service_export(demo["report-fly-tipping"])
    empty_council()
    assert not PermitScheme.objects.exists()

    service = service_import(text=text)

    scheme = PermitScheme.objects.get(service=service)
    assert (scheme.number_prefix, scheme.period_months, scheme.reminder_days_before) == (
        "GWP",
        12,
        28,
    )
    assert (scheme.refund_none_last_months, scheme.refund_admin_fee_pence) == (2, 1000)
    assert scheme.garden_waste
    assert service_export(service) == text


def test_a_file_changing_the_rules_changes_the_scheme_once_with_a_version(demo):
    data = _garden(demo)
    data["permit"].update(
        period_start="fixed",
        year_start_month=4,
        year_start_day=1,
        refund_admin_fee_pence=0,
        reminder_days_before=14,
    )
    versions = ServiceVersion.objects.count()

    service_import(text=service_file_dump(data))

    scheme = PermitScheme.objects.get(service__slug=GARDEN)
    assert (scheme.period_start, scheme.refund_admin_fee_pence) == ("fixed", 0)
    assert scheme.reminder_days_before == 14
    assert ServiceVersion.objects.count() == versions + 1
    assert ServiceVersion.objects.latest("pk").data["permit"]["period_start"] == "fixed"
    assert AuditEvent.objects.filter(object_type="permit_scheme", action="update").exists()
    state = import_state()
    service_import(text=service_file_dump(data))  # the same file again writes nothing
    assert import_state() == state
    assert ServiceVersion.objects.count() == versions + 1


def test_a_short_permit_section_takes_the_defaults(demo):
    data = _garden(demo)
    data["permit"] = {"number_prefix": "GWS", "garden_waste": True}

    service_import(text=service_file_dump(data))

    scheme = PermitScheme.objects.get(service__slug=GARDEN)
    assert scheme.number_prefix == "GWS"
    assert (scheme.period_start, scheme.period_months, scheme.address_field) == (
        "paid",
        12,
        "address",
    )


@pytest.mark.parametrize(
    ("rules", "reason"),
    [
        (
            {"refund_admin_fee_pence": -1},
            "/permit/refund_admin_fee_pence: the refund rule's admin fee must be 0 or more pence",
        ),
        ({"number_prefix": "gw-1"}, "/permit/number_prefix: the permit number prefix must be"),
        ({"number_prefix": "GW"}, "is also the service's reference prefix"),
        (
            {"reminder_days_before": 400},
            "/permit/reminder_days_before: the renewal reminder must be sent within the period: "
            "fewer than 365 days before a 12-month permit ends, not 400",
        ),
        ({"reminder_days_before": -3}, "must be sent 0 or more days before"),
        ({"period_months": 0}, "/permit/period_months: a permit must last 1 to 36 months"),
        ({"refund_none_last_months": 13}, "/permit/refund_none_last_months: the refund rule's"),
        (
            {"period_start": "fixed", "year_start_month": 2, "year_start_day": 29},
            "/permit/year_start_day: the council's year cannot start on day 29 of month 2",
        ),
        (
            {"quantity_field": "wheelie_bins"},
            "/permit/quantity_field: the scheme reads how many from the answer 'wheelie_bins', "
            "which the form does not ask",
        ),
        ({"period_start": "monthly"}, "/permit/period_start: 'monthly' is not one of"),
        ({"colour": "green"}, "/permit/colour: is not a field here"),
    ],
)
def test_bad_permit_rules_are_refused_by_their_pointer_and_change_nothing(demo, rules, reason):
    data = _garden(demo)
    data["permit"].update(rules)
    state = import_state()
    before = list(PermitScheme.objects.values())

    reasons = _refused(data)

    assert any(reason in r for r in reasons), reasons
    assert import_state() == state
    assert list(PermitScheme.objects.values()) == before


def test_a_service_without_a_form_or_a_fee_sells_no_permits(demo):
    data = _garden(demo)
    data["fee_pence"], data["fee_rules"] = 0, []
    assert "/permit: a permit is paid for: give the service a fee (fee_pence) or fee rules" in (
        _refused(data)
    )


def test_leaving_the_rules_out_stops_the_service_selling_permits_until_one_is_sold(demo):
    data = _garden(demo)
    del data["permit"]
    service_import(text=service_file_dump(data))
    assert not PermitScheme.objects.filter(service__slug=GARDEN).exists()
    assert AuditEvent.objects.filter(object_type="permit_scheme", action="delete").exists()

    # Put back, and a permit made under it: now the rules cannot be left out.
    scheme_data = _garden(demo)
    scheme_data["permit"] = {"number_prefix": "GWP", "garden_waste": True}
    service_import(text=service_file_dump(scheme_data))
    scheme = PermitScheme.objects.get(service__slug=GARDEN)
    _address()
    case = _applied(scheme.service)
    Permit.objects.create(scheme=scheme, case=case, price_pence=5200)
    state = import_state()

    reasons = _refused(data)

    assert reasons == [
        "/permit: the service has permits numbered GWP, so it must keep permit rules: give "
        "them (change them if need be) rather than leave them out"
    ]
    assert import_state() == state
    assert PermitScheme.objects.filter(service__slug=GARDEN).exists()
