"""Service files: every demo service exports, imports into an empty council and exports
again byte for byte; bad files are refused with their reasons and change nothing."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from townhall.accounts.models import Department, Team, User
from townhall.builder.exchange import (
    ServiceFileInvalid,
    service_file_dump,
    service_file_load,
    service_file_schema,
)
from townhall.builder.selectors import service_export, service_file_data
from townhall.builder.services import service_import
from townhall.builder.tests.conftest import empty_council, fly_tipping_data, import_state
from townhall.cases.notifications import NOTIFYING_KINDS
from townhall.catalogue.models import Channel, Service
from townhall.core.clocks import ClockKind
from townhall.core.models import AuditEvent
from townhall.eforms.models import FormVersion
from townhall.workflow.library import library_process
from townhall.workflow.models import ProcessVersion
from townhall.workflow.publishing import process_version_publish

pytestmark = pytest.mark.django_db


def _own_process(data: dict) -> dict:
    """`data` with its library process written out, as a service file carries its own."""
    key = data["process"]["library"]
    name, bpmn, dmns = library_process(key)
    data["process"] = {"key": key, "name": name, "bpmn": bpmn, "dmn": dmns}
    return data


def _refused(text: str) -> list[str]:
    with pytest.raises(ServiceFileInvalid) as caught:
        service_import(text=text)
    return caught.value.reasons


# ----------------------------------------------------------------------------------------
# Round trip


def test_every_demo_service_exports_imports_into_an_empty_council_and_exports_the_same(demo):
    before = {slug: service_export(service) for slug, service in sorted(demo.items())}
    assert len(before) == 17
    empty_council()
    assert not Team.objects.exists()

    for text in before.values():
        service_import(text=text)

    after = {s.slug: service_export(s) for s in Service.objects.order_by("slug")}
    assert after == before
    # And it is the same service, not only the same text: its form and process are live.
    fly_tipping = Service.objects.get(slug="report-fly-tipping")
    assert fly_tipping.form.live_version().number == 1
    assert ProcessVersion.objects.get(key="report-fly-tipping", is_live=True).version == 1


def test_the_file_is_readable_yaml_with_xml_as_literal_blocks(demo):
    text = service_file_dump(_own_process(fly_tipping_data(demo)))
    assert text.startswith("# A Townhall service file")
    assert "format_version: 1\nslug: report-fly-tipping\nkind: request\nname:\n  en: Report" in text
    assert "  bpmn: |\n    <?xml version=" in text
    assert "  dmn:\n    - |\n      <?xml" in text
    # A form reads in the order its schema lists its keys: a page's id first, a question's name.
    assert "    pages:\n      - id: location\n        fields:\n          - name: location\n" in text
    assert "\n  cy: ''\n" in text
    # No ids, no timestamps, no version numbers.
    keys = {line.strip(" -").split(":")[0] for line in text.splitlines() if ":" in line}
    assert not keys & {"pk", "number", "version", "published_at", "published_by", "created_at"}


def test_export_is_the_same_whatever_order_the_data_was_built_in(demo):
    data = service_file_data(demo["report-fly-tipping"])
    shuffled = dict(reversed(list(data.items())))
    shuffled["channel_costs"] = dict(reversed(list(data["channel_costs"].items())))
    shuffled["form"] = {"definition": dict(reversed(list(data["form"]["definition"].items())))}
    assert service_file_dump(shuffled) == service_file_dump(data)


def test_the_file_carries_the_teams_its_process_routes_to(demo):
    data = fly_tipping_data(demo)
    teams = {team["slug"] for team in data["organisation"]["teams"]}
    # The default team, and the specialist team the decision table sends hazardous waste to.
    assert teams == {
        "waste-and-street-scene-street-scene-crew",
        "waste-and-street-scene-specialist-clearance-contra",
    }
    assert data["organisation"]["departments"] == [
        {"slug": "waste-and-street-scene", "name": "Waste and street scene"}
    ]


def test_importing_the_same_file_twice_changes_nothing(demo):
    text = service_export(demo["report-fly-tipping"])
    state = import_state()
    service_import(text=text)
    service_import(text=text)
    assert import_state() == state


def test_an_import_updates_the_service_and_publishes_only_what_changed(demo):
    data = fly_tipping_data(demo)
    admin = User.objects.create_user("designer@example.gov.uk", "Designer-pass-1", role="admin")
    data["summary"]["en"] = "Tell us about dumped rubbish."
    data["channel_costs"]["web"] = 30
    del data["channel_costs"]["field"]
    data["form"]["definition"]["title"] = "Report fly-tipping (new)"

    service = service_import(text=service_file_dump(data), actor=admin)

    assert service.summary == "Tell us about dumped rubbish."
    assert dict(service.channel_costs.values_list("channel", "cost_pence")) == {
        "web": 30,
        "phone": 420,
        "face_to_face": 1050,
    }
    live = service.form.live_version()
    assert (live.number, live.published_by) == (2, admin)
    assert service.form.versions.filter(status=FormVersion.Status.RETIRED).count() == 1
    assert ProcessVersion.objects.filter(key="report-fly-tipping").count() == 1
    event = AuditEvent.objects.filter(object_type="service").latest("at")
    assert event.actor == admin
    assert event.detail["fields"] == ["summary"]
    assert event.detail["channel_costs"] == ["field", "web"]
    assert event.detail["published"] == ["form v2"]


def test_a_new_service_is_created_with_its_department_and_teams(demo):
    data = fly_tipping_data(demo)
    empty_council()
    service = service_import(text=service_file_dump(data))
    assert service.department.name == "Waste and street scene"
    assert service.default_team.slug == "waste-and-street-scene-street-scene-crew"
    assert Team.objects.count() == 2
    assert AuditEvent.objects.filter(object_type="service", action="create").exists()


def test_a_short_hand_written_file_takes_the_defaults(demo):
    text = """
format_version: 1
slug: report-a-blocked-drain
name: {en: Report a blocked drain}
summary: {en: Tell us about a blocked drain or gully.}
department: environmental-services
reference_prefix: BD
published: false
"""
    service = service_import(text=text)
    assert (service.sla_days, service.sla_kind, service.clock_kind) == (10, "working_days", "sla")
    assert (service.form, service.process_key, service.audience) == (None, "", "public")
    assert service.is_published is False
    exported = yaml.safe_load(service_export(service))
    assert exported["form"] is None and exported["team"] is None


# ----------------------------------------------------------------------------------------
# Processes: a library process by its key, any other written out


def test_a_library_process_live_as_the_library_holds_it_is_named_by_its_key(demo):
    data = fly_tipping_data(demo)
    assert data["process"] == {"library": "report-fly-tipping"}
    assert "<bpmn:" not in service_export(demo["report-fly-tipping"])


def test_a_file_naming_a_library_process_publishes_the_librarys_process(demo):
    text = service_export(demo["report-fly-tipping"])
    empty_council()
    service = service_import(text=text)
    live = ProcessVersion.objects.get(key=service.process_key, is_live=True)
    name, bpmn, dmns = library_process("report-fly-tipping")
    assert (live.name, live.bpmn_xml, list(live.dmn_xmls)) == (name, bpmn, dmns)


def test_a_process_changed_in_the_designer_is_written_out_and_comes_back_the_same(demo):
    name, bpmn, dmns = library_process("report-graffiti")
    process_version_publish(
        key="report-graffiti",
        name=name,
        bpmn_xml=bpmn.replace(f'name="{name}"', 'name="Graffiti, council edition"', 1),
        dmn_xmls=dmns,
    )
    text = service_export(demo["report-graffiti"])
    data = yaml.safe_load(text)
    assert data["process"]["key"] == "report-graffiti"
    assert 'name="Graffiti, council edition"' in data["process"]["bpmn"]
    empty_council()
    service_import(text=text)
    assert service_export(Service.objects.get(slug="report-graffiti")) == text


def test_an_unknown_library_process_is_refused_by_its_pointer(demo):
    data = fly_tipping_data(demo)
    data["process"] = {"library": "report-a-ghost"}
    state = import_state()
    [reason] = _refused(service_file_dump(data))
    assert reason.startswith(
        "/process/library: no process 'report-a-ghost' in the process library (apply-to-rent"
    )
    assert import_state() == state


# ----------------------------------------------------------------------------------------
# Refusals: every reason named, nothing written


def test_a_missing_field_is_refused_by_its_pointer(demo):
    data = fly_tipping_data(demo)
    del data["reference_prefix"]
    del data["sla"]["days"]
    state = import_state()
    reasons = _refused(service_file_dump(data))
    assert "/reference_prefix: is missing (required)" in reasons
    assert "/sla/days: is missing (required)" in reasons
    assert import_state() == state


def test_a_wrong_type_and_an_unknown_field_are_refused_by_their_pointers(demo):
    data = fly_tipping_data(demo)
    data["sla"]["days"] = "five"
    data["colour"] = "blue"
    data["name"]["cy"] = "Rhoi gwybod am dipio anghyfreithlon " * 10  # over 120 characters
    reasons = _refused(service_file_dump(data))
    assert "/sla/days: 'five' is not of type 'integer'" in reasons
    assert any(
        r.startswith("/colour: is not a field here (allowed: format_version") for r in reasons
    )
    assert any(r.startswith("/name/cy: ") for r in reasons)


def test_an_oversized_text_is_refused_by_its_pointer(demo):
    data = fly_tipping_data(demo)
    data["summary"]["en"] = "<script>alert(1)</script>" * 20
    reasons = _refused(service_file_dump(data))
    assert len(reasons) == 1 and reasons[0].startswith("/summary/en: '<script>")
    assert reasons[0].endswith("is too long (500 characters; at most 300)")


def test_an_unknown_team_is_refused(demo):
    data = fly_tipping_data(demo)
    data["team"] = "waste-and-street-scene-night-shift"
    state = import_state()
    reasons = _refused(service_file_dump(data))
    assert reasons == [
        "/team: no team 'waste-and-street-scene-night-shift' in this council, and the file "
        "does not declare it under /organisation/teams"
    ]
    assert import_state() == state


def test_a_team_the_process_routes_to_must_exist_or_be_declared(demo):
    data = fly_tipping_data(demo)
    data["organisation"]["teams"] = [
        t for t in data["organisation"]["teams"] if "specialist" not in t["slug"]
    ]
    empty_council()
    reasons = _refused(service_file_dump(data))
    assert any(
        "unknown team 'waste-and-street-scene-specialist-clearance-contra'" in r for r in reasons
    )
    assert not Department.objects.exists() and not Team.objects.exists()


def test_a_team_declared_in_another_department_than_the_councils_is_refused(demo):
    data = fly_tipping_data(demo)
    data["organisation"]["departments"].append({"slug": "housing", "name": "Housing"})
    data["organisation"]["teams"][0]["department"] = "housing"
    reasons = _refused(service_file_dump(data))
    assert any(
        "belongs to department 'waste-and-street-scene' in this council" in r for r in reasons
    )


def test_a_process_with_a_forbidden_expression_is_refused_and_nothing_is_published(demo):
    data = _own_process(fly_tipping_data(demo))
    bpmn = data["process"]["bpmn"]
    data["process"]["bpmn"] = bpmn.replace(
        "</bpmn:process>",
        '<bpmn:scriptTask id="evil" name="Evil"><bpmn:script>__import__("os").system("id")'
        "</bpmn:script></bpmn:scriptTask></bpmn:process>",
        1,
    )
    data["summary"]["en"] = "Changed"
    assert data["process"]["bpmn"] != bpmn
    state = import_state()
    reasons = _refused(service_file_dump(data))
    assert any(r.startswith("/process: Script task 'Evil'") for r in reasons), reasons
    assert import_state() == state


def test_a_form_definition_failing_its_schema_is_refused(demo):
    data = fly_tipping_data(demo)
    data["form"]["definition"]["pages"][0]["fields"][0]["type"] = "hologram"
    state = import_state()
    reasons = _refused(service_file_dump(data))
    assert len(reasons) == 1
    assert reasons[0].startswith("/form/definition/pages/0/fields/0/type: 'hologram' is not one")
    assert import_state() == state


def test_a_published_service_without_a_form_is_refused(demo):
    data = fly_tipping_data(demo)
    data["form"] = None
    assert _refused(service_file_dump(data)) == [
        "/form: a published service needs a form (or set published: false)"
    ]


def test_a_name_or_prefix_another_service_has_is_refused(demo):
    data = fly_tipping_data(demo)
    data["slug"] = "report-fly-tipping-again"
    reasons = _refused(service_file_dump(data))
    assert "/name/en: Service with this Name already exists." in reasons
    assert "/reference_prefix: Service with this Reference prefix already exists." in reasons


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("slug: [unclosed", "line 1, column 16: not valid YAML"),
        ("- a list\n", "the file must be a mapping"),
        ("a: &x [1]\nb: *x\n", "line 1: anchors (&name) are not allowed"),
        ("slug: a\nslug: b\n", "line 2: the key 'slug' appears twice"),
        ("format_version: 2\n", "/format_version: 2 is not a format this Townhall reads"),
    ],
)
def test_text_that_is_not_a_service_file_is_refused_with_its_place(text, reason):
    with pytest.raises(ServiceFileInvalid) as caught:
        service_file_load(text)
    assert caught.value.reasons[0].startswith(reason), caught.value.reasons


def test_values_json_cannot_hold_are_refused_by_their_pointer():
    text = "format_version: 1\nkeywords: {en: !!binary aGVsbG8=}\nfee_pence: !!float .nan\n"
    with pytest.raises(ServiceFileInvalid) as caught:
        service_file_load(text)
    assert caught.value.reasons == [
        "/keywords/en: a bytes is not allowed (only text, numbers, true/false, null, lists and "
        "mappings)",
        "/fee_pence: nan is not a number a service file may hold",
    ]


def test_yes_no_and_dates_stay_text_as_written():
    data = yaml.load("a: no\nb: 2026-01-01\nc: 010\nd: 1.5\ne: true\n", Loader=_loader())  # noqa: S506 - a SafeLoader
    assert data == {"a": "no", "b": "2026-01-01", "c": "010", "d": 1.5, "e": True}


def _loader():
    from townhall.builder.exchange import _Loader

    return _Loader


def test_the_schema_offers_exactly_the_models_choices():
    properties = service_file_schema()["properties"]
    assert set(properties["clock"]["enum"]) == {kind.value for kind in ClockKind}
    assert set(properties["audience"]["enum"]) == set(Service.Audience.values)
    assert set(properties["sla"]["properties"]["kind"]["enum"]) == set(Service.SlaKind.values)
    channels = properties["channel_costs"]["propertyNames"]["enum"]
    assert set(channels) == set(Channel.values)
    events = properties["notify_templates"]["propertyNames"]["enum"]
    assert set(events) == {str(kind) for kind in NOTIFYING_KINDS}


def test_the_published_schema_is_the_one_imports_are_checked_against():
    published = Path(settings.BASE_DIR) / "docs" / "service-file.schema.json"
    assert yaml.safe_load(published.read_text()) == service_file_schema()


def test_welsh_notify_templates_are_imported_and_exported_beside_the_english(demo):
    data = fly_tipping_data(demo)
    data["notify_templates"] = {
        "created": {"email": "english-email", "email_cy": "welsh-email", "sms_cy": "welsh-sms"},
        "status_changed": {"letter_cy": "welsh-letter"},
    }
    service = service_import(text=service_file_dump(data))
    assert service.notify_templates == data["notify_templates"]
    assert service_file_data(service)["notify_templates"] == data["notify_templates"]
    again = yaml.safe_load(service_export(service))
    assert again["notify_templates"] == data["notify_templates"]


def test_welsh_texts_are_imported_and_exported_beside_the_english(demo):
    data = fly_tipping_data(demo)
    data["name"]["cy"] = "Rhoi gwybod am dipio anghyfreithlon"
    service = service_import(text=service_file_dump(data))
    assert service.name_cy == "Rhoi gwybod am dipio anghyfreithlon"
    assert "cy: Rhoi gwybod am dipio anghyfreithlon" in service_export(service)
