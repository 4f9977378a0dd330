"""Fee rules in service files: written in one order, checked against the service's form on
import (refused by their pointers, nothing written), and the same schema as eforms reads."""

import pytest

from townhall.builder.exchange import ServiceFileInvalid, service_file_dump, service_file_schema
from townhall.builder.selectors import service_export
from townhall.builder.services import service_import
from townhall.builder.tests.conftest import fly_tipping_data, import_state
from townhall.catalogue.models import Service
from townhall.eforms.fees import fee_rules_schema

pytestmark = pytest.mark.django_db


def _refused(text: str) -> list[str]:
    with pytest.raises(ServiceFileInvalid) as caught:
        service_import(text=text)
    return caught.value.reasons


def test_the_service_file_holds_the_fee_rule_schema_eforms_checks_rules_with():
    schema = service_file_schema()
    assert schema["$defs"] == fee_rules_schema()["$defs"]
    assert schema["properties"]["fee_rules"]["items"] == fee_rules_schema()["items"]


def test_rules_are_written_in_the_schemas_order_whatever_order_they_were_stored_in(demo):
    service = demo["report-fly-tipping"]
    service.fee_rules = [
        {"when": {"value": ["small_van", "lorry"], "op": "in", "field": "amount"}, "pence": 2500,
         "label": "Large load", "kind": "fixed"},
        {"prices": {"small_van": 100, "car_boot": 50}, "field": "amount", "label": "By size",
         "kind": "per_option"},
    ]  # fmt: skip
    service.save(update_fields=["fee_rules"])
    text = service_export(service)
    assert (
        "fee_rules:\n"
        "  - kind: fixed\n    label: Large load\n    pence: 2500\n"
        "    when:\n      field: amount\n      op: in\n      value:\n        - small_van\n        - lorry\n"
        "  - kind: per_option\n    label: By size\n    field: amount\n"
        "    prices:\n      car_boot: 50\n      small_van: 100\n"
    ) in text
    service_import(text=text)
    assert service_export(Service.objects.get(slug=service.slug)) == text


def test_a_file_whose_rules_read_what_its_form_does_not_ask_is_refused(demo):
    data = fly_tipping_data(demo)
    data["fee_rules"] = [
        {"kind": "fixed", "label": "Clearance", "pence": 5000},
        {"kind": "per_item", "label": "Bags", "field": "bags", "pence": 300},
        {"kind": "per_option", "label": "Size", "field": "amount", "prices": {"ship": 900}},
        {"kind": "discount", "label": "Half", "percent": 50,
         "when": {"field": "amount", "op": "eq", "value": "yacht"}},
    ]  # fmt: skip
    state = import_state()
    assert _refused(service_file_dump(data)) == [
        "/fee_rules/1/field: the form asks no question 'bags'",
        "/fee_rules/2/prices/ship: 'ship' is not an option of 'amount' "
        "(single_bag, car_boot, small_van, lorry)",
        "/fee_rules/3/when/value: 'yacht' is not an option of 'amount' "
        "(single_bag, car_boot, small_van, lorry)",
    ]
    assert import_state() == state


def test_a_rule_of_the_wrong_shape_is_refused_by_the_schema_by_its_pointer(demo):
    data = fly_tipping_data(demo)
    data["fee_rules"] = [{"kind": "discount", "label": "Half", "percent": 50}]
    assert _refused(service_file_dump(data)) == ["/fee_rules/0/when: is missing (required)"]
