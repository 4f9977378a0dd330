"""Reads of the service builder: a service as the data and the text of its service file."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext

from townhall.accounts.models import Team
from townhall.builder.exchange import FORMAT_VERSION, service_file_dump
from townhall.builder.models import ServiceDraft
from townhall.catalogue.models import Service
from townhall.eforms.models import FormVersion
from townhall.permits.models import PermitScheme
from townhall.workflow.definitions import process_definition_teams
from townhall.workflow.library import library_files, library_process, library_process_name
from townhall.workflow.models import ProcessVersion
from townhall.workflow.selectors import processes_live


class ServiceNotExportable(Exception):
    """The service cannot be written as a file that would import back the same."""


def _text(english: str, welsh: str) -> dict[str, str]:
    return {"en": english, "cy": welsh}


def _live_process(service: Service) -> ProcessVersion | None:
    if not service.process_key:
        return None
    version = ProcessVersion.objects.filter(key=service.process_key, is_live=True).first()
    if version is None:
        raise ServiceNotExportable(
            gettext(
                "%(slug)s: its process '%(process_key)s' has no live version: publish one, or "
                "clear the service's process"
            )
            % {"slug": service.slug, "process_key": service.process_key}
        )
    return version


# The scheme's fields a service file holds (`permit`), in the file's order.
PERMIT_FIELDS = (
    "number_prefix",
    "period_start",
    "year_start_month",
    "year_start_day",
    "period_months",
    "reminder_days_before",
    "quantity_field",
    "concession_field",
    "address_field",
    "refund_none_last_months",
    "refund_admin_fee_pence",
    "garden_waste",
)


def _permit_data(service: Service) -> dict[str, Any] | None:
    scheme = PermitScheme.objects.filter(service=service).first()
    if scheme is None:
        return None
    return {name: getattr(scheme, name) for name in PERMIT_FIELDS}


def _live_form(service: Service) -> FormVersion | None:
    if service.form_id is None:
        return None
    version = (
        FormVersion.objects.filter(form_id=service.form_id, status=FormVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise ServiceNotExportable(
            gettext("%(slug)s: its form has no published version: publish one first")
            % {"slug": service.slug}
        )
    return version


def _process_data(process: ProcessVersion) -> dict[str, Any]:
    """The file's process: a library process live as the library holds it is named by its
    key, so the library stays its one copy; any other (edited in the designer, or a
    council's own) is written out whole."""
    library = library_process(process.key)
    if library is not None:
        _, bpmn, dmns = library
        if process.bpmn_xml == bpmn and list(process.dmn_xmls) == dmns:
            return {"library": process.key}
    return {
        "key": process.key,
        "name": process.name,
        "bpmn": process.bpmn_xml,
        "dmn": list(process.dmn_xmls),
    }


def process_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(key, name) of the processes a service may run: those live (by name), then those of
    the default library not published yet (by key)."""
    live = list(processes_live().values_list("key", "name"))
    published = {key for key, _ in live}
    library = [
        (key, library_process_name(key, bpmn))
        for key, bpmn, _ in library_files()
        if key not in published
    ]
    return live, library


def process_file_data(key: str) -> dict[str, Any] | None:
    """The service file's `process` for the process `key`: its live version (named by its
    library key when it is the library's, else written out), or the library's by key when
    it is not published yet. None when there is no such process."""
    live = ProcessVersion.objects.filter(key=key, is_live=True).first()
    if live is not None:
        return _process_data(live)
    if library_process(key) is not None:
        return {"library": key}
    return None


def service_file_data(service: Service) -> dict[str, Any]:
    """Everything the service is, shaped by the service file's schema: its settings, the
    live version of its form and of its process, and the departments and teams it names."""
    form = _live_form(service)
    process = _live_process(service)
    team = service.default_team
    team_slugs = {team.slug} if team is not None else set()
    if process is not None:
        team_slugs |= process_definition_teams(
            bpmn_xml=process.bpmn_xml, dmn_xmls=list(process.dmn_xmls)
        )
    named = list(Team.objects.filter(slug__in=team_slugs).select_related("department"))
    departments = {t.department for t in named} | {service.department}
    return {
        "format_version": FORMAT_VERSION,
        "slug": service.slug,
        "kind": service.kind,
        "name": _text(service.name, service.name_cy),
        "summary": _text(service.summary, service.summary_cy),
        "description": _text(service.description, service.description_cy),
        "keywords": _text(service.keywords, service.keywords_cy),
        "department": service.department.slug,
        "team": team.slug if team is not None else None,
        "reference_prefix": service.reference_prefix,
        "sla": {"days": service.sla_days, "kind": service.sla_kind},
        "clock": service.clock_kind,
        "audience": service.audience,
        "sensitive": service.is_sensitive,
        "needs_location": service.needs_location,
        "open311_code": service.open311_code,
        "fee_pence": service.fee_pence,
        "fee_rules": service.fee_rules or [],
        # Written only for a service that sells permits, as most do not.
        **({"permit": permit} if (permit := _permit_data(service)) is not None else {}),
        "popular": service.is_popular,
        "popularity_rank": service.popularity_rank,
        "published": service.is_published,
        "channel_costs": {cost.channel: cost.cost_pence for cost in service.channel_costs.all()},
        "notify_templates": service.notify_templates or {},
        # Written only for another council's service, so the council's own files stay as
        # they were before the setting existed.
        **({"hand_on": dict(service.hand_on)} if service.hand_on else {}),
        "organisation": {
            "departments": [
                {"slug": department.slug, "name": department.name} for department in departments
            ],
            "teams": [
                {"slug": t.slug, "name": t.name, "department": t.department.slug} for t in named
            ],
        },
        "form": {"definition": form.definition} if form is not None else None,
        "process": _process_data(process) if process is not None else None,
    }


def service_export(service: Service) -> str:
    """The service file of `service` (YAML text): the same bytes for the same service, in
    any database. Raises ServiceNotExportable when it could not be imported back the same
    (its form or process has no live version)."""
    return service_file_dump(service_file_data(service))


def services_for_export(slug: str | None = None) -> list[Service]:
    """Every service (or the one with `slug`), by slug, with what its file reads loaded."""
    services = Service.objects.select_related("department", "default_team").prefetch_related(
        "channel_costs"
    )
    if slug is not None:
        services = services.filter(slug=slug)
    return list(services.order_by("slug"))


# What the builder's list filters by: Service.state, as conditions the database can answer.
_STAFF_ONLY = Q(kind=Service.Kind.INTERNAL) | Q(audience=Service.Audience.STAFF)
STATE_FILTERS = {
    "live": Q(retired_at__isnull=True, is_published=True) & ~_STAFF_ONLY,
    "draft": Q(retired_at__isnull=True, is_published=False),
    "internal only": Q(retired_at__isnull=True, is_published=True) & _STAFF_ONLY,
    "retired": Q(retired_at__isnull=False),
}


@dataclass(frozen=True)
class ServiceRow:
    """One line of the builder's list: the service and the versions it runs on."""

    service: Service
    has_draft: bool
    form_version: int | None
    process_version: int | None


def services_for_builder(*, state: str = "", department: str = "") -> list[ServiceRow]:
    """Every service (of one state, or one department's, when asked), with whether it has a
    draft and its live form and process versions: a fixed number of queries however many."""
    services = (
        Service.objects.select_related("department", "default_team")
        .prefetch_related("channel_costs")
        .annotate(has_draft=Exists(ServiceDraft.objects.filter(service=OuterRef("pk"))))
        .order_by("name")
    )
    if state in STATE_FILTERS:
        services = services.filter(STATE_FILTERS[state])
    if department:
        services = services.filter(department__slug=department)
    found = list(services)
    forms: dict[int, int] = {}
    for form_id, number in FormVersion.objects.filter(
        form_id__in={s.form_id for s in found if s.form_id},
        status=FormVersion.Status.PUBLISHED,
    ).values_list("form_id", "number"):
        forms[form_id] = max(number, forms.get(form_id, 0))
    processes = dict(
        ProcessVersion.objects.filter(
            key__in={s.process_key for s in found if s.process_key}, is_live=True
        ).values_list("key", "version")
    )
    return [
        ServiceRow(
            service=s,
            has_draft=getattr(s, "has_draft", False),
            form_version=forms.get(s.form_id) if s.form_id else None,
            process_version=processes.get(s.process_key),
        )
        for s in found
    ]
