"""The builder's writes: create, draft, publish, go back, retire."""

import copy

import pytest

from townhall.accounts.models import Team
from townhall.builder.drafts import (
    DraftConflict,
    ServiceRefused,
    service_create,
    service_draft,
    service_draft_problems,
    service_draft_save,
    service_draft_settings_save,
    service_publish,
    service_retire,
    service_version_restore,
    service_versions_diff,
)
from townhall.builder.exchange import ServiceFileInvalid
from townhall.builder.models import ServiceDraft, ServiceVersion
from townhall.catalogue.models import Service
from townhall.core.models import AuditEvent
from townhall.eforms.models import FormVersion

pytestmark = pytest.mark.django_db

HEDGE_FORM = {
    "title": "Report an overgrown hedge",
    "pages": [
        {
            "id": "where",
            "fields": [
                {"name": "where", "type": "text", "label": "Where is it?", "required": True}
            ],
        }
    ],
}


def _team(demo) -> Team:
    return demo["report-fly-tipping"].default_team


def _hedge(demo) -> Service:
    return service_create(
        name="Report an overgrown hedge",
        summary="Tell us about a hedge blocking a path.",
        team=_team(demo),
        kind="request",
    )


def test_created_service_is_a_draft_with_initials_for_references(demo):
    service = _hedge(demo)
    assert service.state == "draft"
    assert service.reference_prefix == "ROH"
    assert service.department == _team(demo).department
    assert ServiceDraft.objects.get(service=service).data["name"]["en"] == service.name
    assert AuditEvent.objects.filter(object_type="service", action="create").exists()


def test_two_services_cannot_share_a_name(demo):
    _hedge(demo)
    with pytest.raises(ServiceRefused, match="already a service"):
        _hedge(demo)


def test_a_save_over_a_newer_revision_is_refused_and_writes_nothing(demo):
    service = _hedge(demo)
    draft = service_draft(service)
    first = copy.deepcopy(draft.data)
    first["summary"]["en"] = "First designer's words."
    service_draft_save(service=service, data=first, revision=draft.revision, actor=None, change="x")
    second = copy.deepcopy(draft.data)
    second["summary"]["en"] = "Second designer's words."
    with pytest.raises(DraftConflict):
        service_draft_save(
            service=service, data=second, revision=draft.revision, actor=None, change="y"
        )
    assert (
        ServiceDraft.objects.get(service=service).data["summary"]["en"] == "First designer's words."
    )


def test_publish_without_a_form_is_refused_with_every_reason_and_publishes_nothing(demo):
    service = _hedge(demo)
    draft = service_draft(service)
    assert any("/form" in reason for reason in service_draft_problems(service))
    with pytest.raises(ServiceFileInvalid):
        service_publish(service=service, revision=draft.revision, note="first", actor=None)
    service.refresh_from_db()
    assert service.state == "draft"
    assert not ServiceVersion.objects.filter(service=service).exists()


def test_publish_makes_a_version_and_going_back_publishes_an_earlier_one_as_new(demo):
    service = _hedge(demo)
    draft = service_draft(service)
    data = copy.deepcopy(draft.data)
    data["form"] = {"definition": HEDGE_FORM}
    draft = service_draft_save(
        service=service, data=data, revision=draft.revision, actor=None, change="form"
    )
    assert service_draft_problems(service) == []
    first = service_publish(service=service, revision=draft.revision, note="New", actor=None)
    service.refresh_from_db()
    assert (first.number, first.note, service.state) == (1, "New", "live")
    assert not ServiceDraft.objects.filter(service=service).exists()

    draft = service_draft(service)
    data = copy.deepcopy(draft.data)
    data["form"]["definition"]["pages"][0]["fields"][0]["label"] = "Where is the hedge?"
    draft = service_draft_save(
        service=service, data=data, revision=draft.revision, actor=None, change="label"
    )
    second = service_publish(service=service, revision=draft.revision, note="Wording", actor=None)
    assert second.number == 2
    assert any("Where is the hedge?" in line for line in service_versions_diff(service, 1, 2))
    live = FormVersion.objects.get(form=service.form, status="published")
    assert live.definition["pages"][0]["fields"][0]["label"] == "Where is the hedge?"

    third = service_version_restore(service=service, number=1, actor=None)
    assert (third.number, third.note) == (3, "Back to version 1")
    live = FormVersion.objects.get(form=service.form, status="published")
    assert live.definition["pages"][0]["fields"][0]["label"] == "Where is it?"


def test_retired_service_leaves_the_portal_and_publishing_brings_it_back(demo):
    service = demo["report-graffiti"]
    with pytest.raises(ServiceRefused):
        service_retire(service=service, reason=" ", actor=None)
    service_retire(service=service, reason="Moved to the county", actor=None)
    service.refresh_from_db()
    assert service.state == "retired" and not service.is_published
    draft = service_draft(service)
    service_publish(service=service, revision=draft.revision, note="Back again", actor=None)
    service.refresh_from_db()
    assert service.state == "live"


def test_settings_start_a_draft_and_a_save_over_a_published_draft_is_told(demo):
    service = demo["report-graffiti"]
    assert not ServiceDraft.objects.filter(service=service).exists()
    changes = {"summary": {"en": "Paint on a wall.", "cy": ""}}
    draft = service_draft_settings_save(service=service, changes=changes, revision=0, actor=None)
    assert draft.data["summary"]["en"] == "Paint on a wall."
    assert draft.data["form"] is not None  # the rest of the service is kept
    service_publish(service=service, revision=draft.revision, note="Shorter", actor=None)
    with pytest.raises(DraftConflict, match="published or thrown away"):
        service_draft_settings_save(
            service=service, changes=changes, revision=draft.revision, actor=None
        )
    # A new draft was started from the live service, so saving at its revision goes through.
    fresh = ServiceDraft.objects.get(service=service)
    saved = service_draft_settings_save(
        service=service, changes=changes, revision=fresh.revision, actor=None
    )
    assert saved.revision == fresh.revision + 1
