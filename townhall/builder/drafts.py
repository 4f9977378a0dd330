"""Writes of the builder's pages: create a service, edit its draft, publish, go back, retire.

Publishing a draft is importing it: `service_data_import` runs the same checks an import
does and records the new ServiceVersion, so the builder, `manage.py service_import` and the
demo loader make services one way. A draft is saved with the revision it was read at; a
save over a newer revision raises DraftConflict and writes nothing, so a designer whose
colleague saved first is told, and keeps what they typed (the page shows it again).
"""

import difflib
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from townhall.accounts.models import Team, User
from townhall.builder.exchange import ServiceFileInvalid, service_file_dump
from townhall.builder.models import ServiceDraft, ServiceVersion
from townhall.builder.selectors import service_file_data
from townhall.builder.services import service_data_import
from townhall.catalogue.models import Service
from townhall.core.audit import audit_record
from townhall.eforms.fees import fee_rules_problems

MAX_FEE_RULES = 50


class DraftConflict(Exception):
    """The draft was saved by someone else since it was read."""

    def __init__(self, draft: ServiceDraft, message: str = "") -> None:
        who = draft.updated_by.get_full_name() if draft.updated_by else "someone"
        super().__init__(
            message
            or gettext(
                "%(updated_by)s saved this draft at %(updated_at)s while you were editing it."
            )
            % {
                "updated_by": who or draft.updated_by,
                "updated_at": f"{timezone.localtime(draft.updated_at):%H:%M}",
            }
        )
        self.draft = draft


class ServiceRefused(Exception):
    """Every reason a service cannot be created, published or restored as asked."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _unique_slug(name: str) -> str:
    base = slugify(name)[:45].strip("-") or "service"
    slug, number = base, 2
    while Service.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _unique_prefix(name: str) -> str:
    """Initials of the name's main words (Report an overgrown hedge: ROH), made unique."""
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in {"a", "an", "the", "of"}]
    base = ("".join(w[0] for w in words).upper() or "S")[:3]
    base = base if len(base) >= 2 else (base + "X")
    taken = set(Service.objects.values_list("reference_prefix", flat=True))
    if base not in taken:
        return base
    for digit in range(2, 1000):
        candidate = f"{base[: 4 - len(str(digit))]}{digit}"
        if candidate not in taken:
            return candidate
    raise ServiceRefused([gettext("/reference_prefix: no free reference prefix: set one")])


@transaction.atomic
def service_create(
    *, name: str, summary: str, team: Team, kind: str, actor: User | None = None
) -> Service:
    """A new service, in draft (not on the portal until published), with its draft started.
    Its department is its team's; its case references start with initials of its name."""
    name = name.strip()
    reasons = []
    if not name:
        reasons.append(gettext("Enter the service name"))
    elif Service.objects.filter(name__iexact=name).exists():
        reasons.append(gettext("There is already a service called ‘%(name)s’") % {"name": name})
    if kind not in Service.Kind.values:
        reasons.append(gettext("Choose what kind of service it is"))
    if reasons:
        raise ServiceRefused(reasons)
    service = Service.objects.create(
        slug=_unique_slug(name),
        name=name,
        summary=summary.strip()[:300],
        department=team.department,
        default_team=team,
        kind=kind,
        audience=Service.Audience.STAFF
        if kind == Service.Kind.INTERNAL
        else Service.Audience.PUBLIC,
        reference_prefix=_unique_prefix(name),
        is_published=False,
    )
    audit_record(
        actor=actor,
        action="create",
        object_type="service",
        object_id=service.pk,
        detail={"slug": service.slug, "source": "builder", "kind": kind, "team": team.slug},
    )
    ServiceDraft.objects.create(service=service, data=service_file_data(service), updated_by=actor)
    return service


def service_draft(service: Service, *, actor: User | None = None) -> ServiceDraft:
    """The service's draft, started from the live service when it has none."""
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        draft = ServiceDraft.objects.filter(service=locked).first()
        if draft is None:
            last = locked.versions.order_by("-number").values_list("number", flat=True).first()
            draft = ServiceDraft.objects.create(
                service=locked,
                data=service_file_data(locked),
                based_on=last or 0,
                updated_by=actor,
            )
    return draft


def service_draft_save(
    *, service: Service, data: dict[str, Any], revision: int, actor: User | None, change: str
) -> ServiceDraft:
    """Save the draft's new data, read at `revision`; `change` says what (for the audit).
    Raises DraftConflict, writing nothing, when the draft moved on since then."""
    with transaction.atomic():
        draft = (
            ServiceDraft.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(service=service)
        )
        if draft.revision != revision:
            raise DraftConflict(draft)
        draft.data = data
        draft.revision += 1
        draft.updated_by = actor
        draft.save()
        audit_record(
            actor=actor,
            action="change",
            object_type="service draft",
            object_id=service.pk,
            detail={"slug": service.slug, "change": change[:200], "revision": draft.revision},
        )
    return draft


def service_draft_settings_save(
    *, service: Service, changes: dict[str, Any], revision: int, actor: User | None
) -> ServiceDraft:
    """Save the service's settings (top-level fields of its file, `changes`) into its draft,
    leaving the rest (the form, the process) as the draft holds it now. `revision` 0: the
    designer edited the live service, and the draft is started now, unless a colleague
    started one meanwhile (DraftConflict, as for any save over a newer revision)."""
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        draft = ServiceDraft.objects.filter(service=locked).first()
        # Read at a revision of a draft since published or thrown away: the service moved
        # on, so the designer is told (their values stay on the page) rather than obeyed.
        stale = draft is None and revision != 0
        if draft is None:
            draft = service_draft(locked, actor=actor)
            revision = revision or draft.revision
        if not stale:
            return service_draft_save(
                service=locked,
                data={**draft.data, **changes},
                revision=revision,
                actor=actor,
                change="settings: " + ", ".join(sorted(changes)),
            )
    raise DraftConflict(
        draft,
        gettext(
            "The draft you were editing was published or thrown away meanwhile: a new draft "
            "has started from the live service."
        ),
    )


def service_fee_rules_set(
    *, service: Service, rules: list[dict[str, Any]], revision: int, actor: User | None, change: str
) -> ServiceDraft:
    """Save `rules` as the fee rules of the draft read at `revision` (`change` says what, for
    the audit). Every rule the designer added or changed must fit the draft's form
    (`fee_rules_problems`): ServiceRefused lists the reasons, nothing saved. A rule the form
    has broken since (its question removed) does not block other edits; the fees page and
    publishing still list it. Raises DraftConflict when the draft moved on."""
    with transaction.atomic():
        draft = service_draft(service, actor=actor)
        definition = (draft.data.get("form") or {}).get("definition")
        before = draft.data.get("fee_rules") or []
        reasons = []
        if len(rules) > MAX_FEE_RULES:
            reasons.append(
                gettext("/fee_rules: a service has at most %(max_fee_rules)s fee rules")
                % {"max_fee_rules": MAX_FEE_RULES}
            )
        for index, rule in enumerate(rules):
            if rule not in before:
                where = f"/fee_rules/{index}"
                reasons += [
                    problem.replace(f"{where}/0", where, 1)
                    for problem in fee_rules_problems([rule], definition, base=where)
                ]
        if reasons:
            raise ServiceRefused(reasons)
        return service_draft_save(
            service=service,
            data={**draft.data, "fee_rules": rules},
            revision=revision,
            actor=actor,
            change=gettext("fee rules: %(change)s") % {"change": change},
        )


def service_draft_discard(*, service: Service, actor: User | None) -> None:
    """Throw the draft away; the next edit starts again from the live service."""
    with transaction.atomic():
        deleted, _ = ServiceDraft.objects.filter(service=service).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="delete",
                object_type="service draft",
                object_id=service.pk,
                detail={"slug": service.slug},
            )


class _DryRun(Exception):
    pass


def service_draft_problems(service: Service) -> list[str]:
    """Every reason publishing the draft now would be refused (empty: it would publish).
    The publish itself is run and rolled back, so the checks are exactly publish's."""
    draft = ServiceDraft.objects.filter(service=service).first()
    if draft is None:
        return []
    try:
        with transaction.atomic():
            service_data_import(data=_publishable(draft.data), actor=None, source="builder")
            raise _DryRun
    except ServiceFileInvalid as error:
        return error.reasons
    except _DryRun:
        return []


def _publishable(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "published": True}


def service_publish(
    *, service: Service, revision: int, note: str, actor: User | None
) -> ServiceVersion:
    """Publish the draft (read at `revision`) as the service's next version: the same
    checks as an import, every reason raised as ServiceFileInvalid and nothing published.
    `note` says why (kept with the version). The draft is done with once published."""
    if not note.strip():
        raise ServiceRefused([gettext("Say what changed, for the version history")])
    with transaction.atomic():
        draft = (
            ServiceDraft.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(service=service)
        )
        if draft.revision != revision:
            raise DraftConflict(draft)
        service_data_import(
            data=_publishable(draft.data),
            actor=actor,
            source="builder",
            note=note.strip(),
            always_version=True,
        )
        draft.delete()
    return ServiceVersion.objects.filter(service=service).latest("number")


def service_version_restore(
    *, service: Service, number: int, actor: User | None, note: str = ""
) -> ServiceVersion:
    """Go back: publish version `number`'s service file again, as a new version (checked as
    any publish is; the history keeps every version in between)."""
    old = ServiceVersion.objects.get(service=service, number=number)
    why = note.strip() or gettext("Back to version %(number)s") % {"number": number}
    with transaction.atomic():
        service_data_import(
            data=_publishable(old.data),
            actor=actor,
            source="builder",
            note=why,
            always_version=True,
        )
        ServiceDraft.objects.filter(service=service).delete()
    return service.versions.latest("number")


def service_retire(*, service: Service, reason: str, actor: User | None) -> Service:
    """Take the service off the portal, the A to Z, search and Open311. Its open cases go
    on as before; publishing it again brings it back."""
    if not reason.strip():
        raise ServiceRefused([gettext("Say why the service is retired")])
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        if locked.retired_at is not None:
            return locked
        locked.retired_at = timezone.now()
        locked.is_published = False
        locked.save(update_fields=["retired_at", "is_published"])
        audit_record(
            actor=actor,
            action="retire",
            object_type="service",
            object_id=locked.pk,
            reason=reason.strip(),
            detail={"slug": locked.slug},
        )
    return locked


def service_versions_diff(service: Service, older: int, newer: int) -> list[str]:
    """The lines that differ between two versions' service files (unified diff)."""
    versions = {
        v.number: v
        for v in ServiceVersion.objects.filter(service=service, number__in=[older, newer])
    }
    a, b = versions[older], versions[newer]
    return list(
        difflib.unified_diff(
            service_file_dump(a.data).splitlines(),
            service_file_dump(b.data).splitlines(),
            fromfile=f"version {older}",
            tofile=f"version {newer}",
            lineterm="",
        )
    )
