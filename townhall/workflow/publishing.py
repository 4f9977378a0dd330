"""Publishing process versions: checking a BPMN diagram and its DMN tables against the teams,
operations and helpers that exist, storing a new version, and comparing two versions.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townhall.accounts.models import Team, User
from townhall.core.audit import audit_record
from townhall.workflow import engine
from townhall.workflow.definitions import (
    VersionDiff,
    process_definition_check,
    process_definition_diff,
)
from townhall.workflow.driver import expression_helpers
from townhall.workflow.models import ProcessVersion
from townhall.workflow.registry import OPERATIONS


def known_teams() -> set[str]:
    return set(Team.objects.values_list("slug", flat=True))


def process_version_validate(*, bpmn_xml: str, dmn_xmls: list[str]) -> engine.ParsedProcess:
    """Check a definition without publishing it (the designer's "check" button). Raises
    ProcessDefinitionError (or its subclass ProcessInvalid, listing every problem)."""
    return process_definition_check(
        bpmn_xml=bpmn_xml,
        dmn_xmls=dmn_xmls,
        known_operations=OPERATIONS.names(),
        known_teams=known_teams(),
        known_functions=expression_helpers().keys(),
    )


def process_version_publish(
    *,
    key: str,
    name: str,
    bpmn_xml: str,
    dmn_xmls: list[str] | None = None,
    published_by: User | None = None,
    note: str = "",
) -> ProcessVersion:
    """Validate a definition and make it the live version of process `key`.

    A definition identical to the live one changes nothing (so the demo loader can publish
    on every start). One that fails validation raises ProcessDefinitionError with the reason
    and leaves the live version live. Cases already running keep the version they started
    on; new cases start on this one. Who published it and when is recorded."""
    dmn_xmls = list(dmn_xmls or [])
    if not key or len(key) > 60:
        raise ValidationError("A process needs a key of 1 to 60 characters.")
    process_version_validate(bpmn_xml=bpmn_xml, dmn_xmls=dmn_xmls)
    content_hash = ProcessVersion.hash_content(bpmn_xml, dmn_xmls)
    with transaction.atomic():
        versions = list(ProcessVersion.objects.select_for_update().filter(key=key))
        live = next((v for v in versions if v.is_live), None)
        if live is not None and live.content_hash == content_hash:
            return live
        if live is not None:
            live.is_live = False
            live.save(update_fields=["is_live"])
        version = ProcessVersion.objects.create(
            key=key,
            version=max((v.version for v in versions), default=0) + 1,
            name=name[:150],
            bpmn_xml=bpmn_xml,
            dmn_xmls=dmn_xmls,
            content_hash=content_hash,
            published_by=published_by,
            published_at=timezone.now(),
            is_live=True,
            note=note[:300],
        )
        audit_record(
            actor=published_by,
            action="create",
            object_type="process_version",
            object_id=str(version.pk),
            detail={"key": key, "version": version.version, "hash": content_hash},
        )
    return version


def process_version_diff(*, old: ProcessVersion, new: ProcessVersion) -> VersionDiff:
    """What changed from `old` to `new` (elements added, removed, changed; XML diff)."""
    return process_definition_diff(
        old_bpmn=old.bpmn_xml, old_dmns=old.dmn_xmls, new_bpmn=new.bpmn_xml, new_dmns=new.dmn_xmls
    )
