"""Writes of the service builder: importing service files.

An import is all or nothing. The file is read and checked against the published schema,
then, in one transaction, the departments and teams it declares are created when missing
and it passes the same checks publishing runs (the form's, its fee rules', the process's
and the Open311 attributes' in `builder.checks`; the process's own, `process_version_validate`; the
service's model rules, such as a unique name and reference prefix). Any problem: every
reason is raised and nothing is written. Otherwise the service is created or updated, and a
new form or process version is published only when it differs from the live one, so
importing the same file twice changes nothing the second time.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext

from townhall.accounts.models import Department, Team, User
from townhall.builder.checks import form_problems, service_data_problems
from townhall.builder.exchange import (
    ServiceFileInvalid,
    service_file_check,
    service_file_defaults,
    service_file_load,
)
from townhall.builder.models import ServiceVersion
from townhall.builder.selectors import PERMIT_FIELDS, service_file_data
from townhall.catalogue.hand_on import hand_on_clean, hand_on_problems, hand_on_read
from townhall.catalogue.models import ChannelCost, Service
from townhall.core.audit import audit_record
from townhall.eforms.definition import eligibility_errors
from townhall.eforms.models import FormVersion
from townhall.eforms.services import form_version_publish
from townhall.integrations.county.client import county_partner_ensure
from townhall.permits.models import PermitScheme
from townhall.permits.services import permit_scheme_remove, permit_scheme_set
from townhall.workflow.definitions import ProcessInvalid
from townhall.workflow.engine import ProcessDefinitionError
from townhall.workflow.library import library_files, library_process
from townhall.workflow.models import ProcessVersion
from townhall.workflow.publishing import process_version_publish, process_version_validate

# Where each of the service's own fields sits in the file, to name it in a refusal.
FIELD_POINTERS = {
    "slug": "/slug",
    "kind": "/kind",
    "name": "/name/en",
    "name_cy": "/name/cy",
    "summary": "/summary/en",
    "summary_cy": "/summary/cy",
    "description": "/description/en",
    "description_cy": "/description/cy",
    "keywords": "/keywords/en",
    "keywords_cy": "/keywords/cy",
    "fee_rules": "/fee_rules",
    "department": "/department",
    "default_team": "/team",
    "reference_prefix": "/reference_prefix",
    "sla_days": "/sla/days",
    "sla_kind": "/sla/kind",
    "clock_kind": "/clock",
    "process_key": "/process/key",
    "open311_code": "/open311_code",
    "fee_pence": "/fee_pence",
    "audience": "/audience",
    "is_popular": "/popular",
    "popularity_rank": "/popularity_rank",
    "is_published": "/published",
    "needs_location": "/needs_location",
    "is_sensitive": "/sensitive",
    "notify_templates": "/notify_templates",
    "hand_on": "/hand_on",
    NON_FIELD_ERRORS: "/",
}
# And the permit scheme's: each of its fields is the file's `/permit/<name>`.
PERMIT_POINTERS = {name: f"/permit/{name}" for name in PERMIT_FIELDS} | {
    NON_FIELD_ERRORS: "/permit"
}


def _validation_reasons(error: DjangoValidationError, pointers: dict[str, str]) -> list[str]:
    if not hasattr(error, "error_dict"):
        return [f"{pointers.get(NON_FIELD_ERRORS, '/')}: {message}" for message in error.messages]
    return [
        f"{pointers.get(name, '/' + name)}: {message}"
        for name, errors in error.message_dict.items()
        for message in errors
    ]


@dataclass
class _Organisation:
    """The departments and teams a file names, resolved against the council's."""

    departments: dict[str, Department] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _organisation_resolve(declared: dict[str, Any]) -> _Organisation:
    """Match each declared department and team by slug; create the missing ones. A team
    that exists in another department than the file says is refused, not moved."""
    found = _Organisation()
    departments = declared.get("departments", [])
    for index, record in enumerate(departments):
        where = f"/organisation/departments/{index}"
        if record["slug"] in found.departments:
            found.reasons.append(
                gettext("%(where)s/slug: '%(slug)s' is declared twice")
                % {"where": where, "slug": record["slug"]}
            )
            continue
        department = Department.objects.filter(slug=record["slug"]).first()
        if department is None:
            department = Department(slug=record["slug"], name=record["name"])
            try:
                department.full_clean()
            except DjangoValidationError as error:
                found.reasons += _validation_reasons(error, {"name": f"{where}/name"})
                continue
            department.save()
            found.created.append(f"department {department.slug}")
        found.departments[department.slug] = department
    for index, record in enumerate(declared.get("teams", [])):
        where = f"/organisation/teams/{index}"
        if record["slug"] in found.teams:
            found.reasons.append(
                gettext("%(where)s/slug: '%(slug)s' is declared twice")
                % {"where": where, "slug": record["slug"]}
            )
            continue
        department = _department(record["department"], found)
        if department is None:
            found.reasons.append(
                gettext(
                    "%(where)s/department: no department '%(department)s' in this council, and the "
                    "file does not declare it under /organisation/departments"
                )
                % {"where": where, "department": record["department"]}
            )
            continue
        team = Team.objects.filter(slug=record["slug"]).select_related("department").first()
        if team is not None and team.department_id != department.pk:
            found.reasons.append(
                gettext(
                    "%(where)s/department: team '%(slug)s' belongs to department '%(department)s' "
                    "in this council, not '%(named)s'"
                )
                % {
                    "where": where,
                    "slug": team.slug,
                    "department": team.department.slug,
                    "named": department.slug,
                }
            )
            continue
        if team is None:
            team = Team(slug=record["slug"], name=record["name"], department=department)
            try:
                team.full_clean()
            except DjangoValidationError as error:
                found.reasons += _validation_reasons(error, {"name": f"{where}/name"})
                continue
            team.save()
            found.created.append(f"team {team.slug}")
        found.teams[team.slug] = team
    return found


def _department(slug: str, found: _Organisation) -> Department | None:
    return found.departments.get(slug) or Department.objects.filter(slug=slug).first()


def _team(slug: str, found: _Organisation) -> Team | None:
    return found.teams.get(slug) or Team.objects.filter(slug=slug).first()


def _process_from_library(
    process: dict[str, Any] | None,
) -> tuple[dict[str, Any] | None, list[str]]:
    """A process named by its library key (`library: KEY`) as the library holds it, so it is
    checked and published like one written out; any other process as it is."""
    if process is None or "library" not in process:
        return process, []
    key = process["library"]
    found = library_process(key)
    if found is None:
        known = ", ".join(k for k, _, _ in library_files())
        return None, [
            gettext("/process/library: no process '%(key)s' in the process library (%(known)s)")
            % {"key": key, "known": known}
        ]
    name, bpmn, dmns = found
    return {"key": key, "name": name, "bpmn": bpmn, "dmn": dmns}, []


def _process_reasons(process: dict[str, Any]) -> list[str]:
    try:
        process_version_validate(bpmn_xml=process["bpmn"], dmn_xmls=list(process["dmn"]))
    except ProcessInvalid as error:
        return [f"/process: {problem}" for problem in error.problems]
    except ProcessDefinitionError as error:
        return [f"/process: {error}"]
    return []


def _offered_on_open311(existing: Service | None, data: dict[str, Any]) -> dict | None:
    """The form definition Open311 clients of the file's service code answer now, when the
    service is offered on Open311 under that code and stays offered after the import."""
    if (
        existing is None
        or existing.form is None
        or not existing.open311_code
        or existing.open311_code != data["open311_code"]
        or not (existing.is_published and existing.audience == Service.Audience.PUBLIC)
        or not (data["published"] and data["audience"] == Service.Audience.PUBLIC)
    ):
        return None
    live = existing.form.live_version()
    return live.definition if live is not None else None


def _kind_reasons(data: dict[str, Any], *, form_sound: bool) -> list[str]:
    """What the service's kind forbids: an information service is an advice page (no form,
    no process); an eligibility checker's form ends on outcomes and keeps nothing personal,
    and it makes no case (no process); an internal service is for staff only. A form is
    read for its kind only once it is sound (`form_sound`)."""
    kind, form, process = data["kind"], data["form"], data["process"]
    reasons = []
    if kind == Service.Kind.INFORMATION:
        if form is not None:
            reasons.append(
                gettext("/form: an information service is an advice page: it has no form")
            )
        if process is not None:
            reasons.append(
                gettext("/process: an information service makes no case: it has no process")
            )
        if data["published"] and not data["description"]["en"].strip():
            reasons.append(
                gettext("/description/en: an information service's advice is its description")
            )
    elif kind == Service.Kind.ELIGIBILITY:
        if form is not None and form_sound:
            reasons += [
                f"/form/definition{reason}" for reason in eligibility_errors(form["definition"])
            ]
        if process is not None:
            reasons.append(
                gettext("/process: an eligibility checker makes no case: it has no process")
            )
    elif kind == Service.Kind.INTERNAL and data["audience"] != Service.Audience.STAFF:
        reasons.append(
            gettext("/audience: an internal service is for staff only (audience: staff)")
        )
    if kind in (Service.Kind.INFORMATION, Service.Kind.ELIGIBILITY) and data["open311_code"]:
        reasons.append(
            gettext("/open311_code: an %(kind)s service makes no case to report through Open311")
            % {"kind": kind}
        )
    hand_on = data["hand_on"]
    if (
        kind in (Service.Kind.INFORMATION, Service.Kind.ELIGIBILITY)
        and isinstance(hand_on, dict)
        and hand_on.get("method") in ("open311", "email")
    ):
        reasons.append(
            gettext("/hand_on/method: an %(kind)s service makes no case to hand on; use link")
            % {"kind": kind}
        )
    return reasons


def _snapshot(service: Service) -> dict[str, Any]:
    return {f.attname: getattr(service, f.attname) for f in Service._meta.concrete_fields}


def _service_settings_set(
    service: Service, data: dict[str, Any], *, department: Department | None, team: Team | None
) -> None:
    """Set the service's own fields from the file's data (not yet saved)."""
    process = data["process"]
    service.kind = data["kind"]
    service.name, service.name_cy = data["name"]["en"], data["name"]["cy"]
    service.summary, service.summary_cy = data["summary"]["en"], data["summary"]["cy"]
    service.description = data["description"]["en"]
    service.description_cy = data["description"]["cy"]
    service.keywords, service.keywords_cy = data["keywords"]["en"], data["keywords"]["cy"]
    if department is not None:
        service.department = department
    service.default_team = team
    service.reference_prefix = data["reference_prefix"]
    service.sla_days = data["sla"]["days"]
    service.sla_kind = data["sla"]["kind"]
    service.clock_kind = data["clock"]
    service.process_key = process["key"] if process else ""
    service.open311_code = data["open311_code"]
    service.fee_pence = data["fee_pence"]
    service.fee_rules = data["fee_rules"]
    service.audience = data["audience"]
    service.is_popular = data["popular"]
    service.popularity_rank = data["popularity_rank"]
    service.is_published = data["published"]
    if data["published"]:
        service.retired_at = None
    service.needs_location = data["needs_location"]
    service.is_sensitive = data["sensitive"]
    service.notify_templates = data["notify_templates"]
    service.hand_on = hand_on_clean(data["hand_on"])


def service_import(*, text: str, actor: User | None = None) -> Service:
    """Create or update the service a service file describes, and publish its form and
    process, in one transaction. Runs the checks publishing runs; a file that fails any
    raises ServiceFileInvalid listing every reason (each naming its place in the file) and
    changes nothing. A form or process identical to the live one publishes no new version;
    a file identical to the service changes nothing at all (no write, no audit event). A
    process named by its library key (`process: {library: KEY}`) is the library's."""
    return service_data_import(data=service_file_load(text), actor=actor)


def service_data_import(
    *,
    data: dict[str, Any],
    actor: User | None = None,
    source: str = "service file",
    note: str = "",
    always_version: bool = False,
) -> Service:
    """`service_import` of a service file's data (read from a file, or a builder draft or
    earlier version). Anything changed is recorded as a new ServiceVersion (who, when,
    `note` for why), holding the service as its file would be written now; with
    `always_version` (the builder's publish) a version is recorded even when nothing
    differed, so the history shows who confirmed it and why."""
    data = service_file_defaults(service_file_check(data))
    data["process"], library_reasons = _process_from_library(data["process"])
    with transaction.atomic():
        organisation = _organisation_resolve(data["organisation"])
        reasons = library_reasons + organisation.reasons
        department = _department(data["department"], organisation)
        if department is None:
            reasons.append(
                gettext(
                    "/department: no department '%(department)s' in this council, and the file "
                    "does not declare it under /organisation/departments"
                )
                % {"department": data["department"]}
            )
        team = _team(data["team"], organisation) if data["team"] else None
        if data["team"] and team is None:
            reasons.append(
                gettext(
                    "/team: no team '%(team)s' in this council, and the file does not declare it "
                    "under /organisation/teams"
                )
                % {"team": data["team"]}
            )
        form, process = data["form"], data["process"]
        # The form's own problems, worked out once: the kind's rules read only a sound form.
        form_reasons = form_problems(form["definition"]) if form is not None else []
        form_sound = not form_reasons
        if form is None and data["published"] and data["kind"] != Service.Kind.INFORMATION:
            reasons.append(
                gettext("/form: a published service needs a form (or set published: false)")
            )
        if process is not None:
            reasons += _process_reasons(process)
        reasons += _kind_reasons(data, form_sound=form_sound)
        reasons += hand_on_problems(data["hand_on"])

        existing = Service.objects.select_for_update().filter(slug=data["slug"]).first()
        reasons += service_data_problems(
            data, offered=_offered_on_open311(existing, data), form_reasons=form_reasons
        )
        service = existing or Service(slug=data["slug"])
        before = _snapshot(service) if existing else {}
        _service_settings_set(service, data, department=department, team=team)
        try:
            service.full_clean(exclude=["form"] + (["department"] if department is None else []))
        except DjangoValidationError as error:
            reasons += _validation_reasons(error, FIELD_POINTERS)
        reasons += _permit_removal_reasons(existing, data["permit"])
        if reasons:
            raise ServiceFileInvalid(reasons)

        published = []
        if form is not None:
            form_slug = service.form.slug if service.form is not None else service.slug
            live_before = _live_form_pk(form_slug)
            version = form_version_publish(
                slug=form_slug, name=service.name, definition=form["definition"], published_by=actor
            )
            service.form = version.form
            if version.pk != live_before:
                published.append(f"form v{version.number}")
        else:
            service.form = None
        if process is not None:
            live_before = _live_process_pk(process["key"])
            process_version = process_version_publish(
                key=process["key"],
                name=process["name"],
                bpmn_xml=process["bpmn"],
                dmn_xmls=list(process["dmn"]),
                published_by=actor,
                note="Imported from a service file",
            )
            if process_version.pk != live_before:
                published.append(f"process v{process_version.version}")

        changed = sorted(k for k, v in _snapshot(service).items() if before.get(k, v) != v)
        if existing is None or changed:
            service.save()
        hand_on = hand_on_read(service.hand_on)
        if hand_on is not None and hand_on.method == "open311":
            # The county's endpoint becomes an outbox partner now, checked like any other.
            county_partner_ensure(endpoint=hand_on.endpoint, title=hand_on.responsible)
        costs = _channel_costs_set(service, data["channel_costs"])
        if _permit_scheme_apply(service, data["permit"], actor=actor):
            changed.append("permit")
        if existing is None or changed or costs or published or organisation.created:
            audit_record(
                actor=actor,
                action="create" if existing is None else "change",
                object_type="service",
                object_id=str(service.pk),
                detail={
                    "slug": service.slug,
                    "source": source,
                    "fields": changed,
                    "channel_costs": costs,
                    "published": published,
                    "created": organisation.created,
                },
            )
        if existing is None or changed or costs or published or always_version:
            _version_record(
                service,
                actor=actor,
                note=note or gettext("Imported from a %(source)s") % {"source": source},
            )
    return service


def _permit_removal_reasons(existing: Service | None, permit: dict[str, Any] | None) -> list[str]:
    """A file without permit rules stops the service selling permits, which cannot be done
    once permits exist: they keep their scheme."""
    if permit is not None or existing is None:
        return []
    scheme = PermitScheme.objects.filter(service=existing).first()
    if scheme is None or not scheme.permits.exists():
        return []
    return [
        gettext(
            "/permit: the service has permits numbered %(number_prefix)s, so it must keep permit "
            "rules: give them (change them if need be) rather than leave them out"
        )
        % {"number_prefix": scheme.number_prefix}
    ]


def _permit_scheme_apply(
    service: Service, permit: dict[str, Any] | None, *, actor: User | None
) -> bool:
    """Make the service's permit scheme what the file says; return whether it changed. Its
    rules were checked before (`permit_problems`), so a refusal here is a model rule."""
    before = PermitScheme.objects.filter(service=service).values().first()
    if permit is None:
        return permit_scheme_remove(service=service, actor=actor)
    rules = {key: value for key, value in permit.items() if key != "number_prefix"}
    try:
        permit_scheme_set(
            service=service, number_prefix=permit["number_prefix"], actor=actor, **rules
        )
    except DjangoValidationError as error:
        raise ServiceFileInvalid(_validation_reasons(error, PERMIT_POINTERS)) from error
    after = PermitScheme.objects.filter(service=service).values().first()
    return before != after


def _version_record(service: Service, *, actor: User | None, note: str) -> ServiceVersion:
    last = (
        ServiceVersion.objects.filter(service=service)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return ServiceVersion.objects.create(
        service=service,
        number=(last or 0) + 1,
        data=service_file_data(service),
        note=note[:300],
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _live_form_pk(slug: str) -> int | None:
    return (
        FormVersion.objects.filter(form__slug=slug, status=FormVersion.Status.PUBLISHED)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )


def _live_process_pk(key: str) -> int | None:
    return ProcessVersion.objects.filter(key=key, is_live=True).values_list("pk", flat=True).first()


def _channel_costs_set(service: Service, costs: dict[str, int]) -> list[str]:
    """Make the service's channel costs exactly `costs`; return the channels changed."""
    current = {cost.channel: cost for cost in ChannelCost.objects.filter(service=service)}
    changed = []
    for channel, cost in current.items():
        if channel not in costs:
            cost.delete()
            changed.append(channel)
    for channel, pence in costs.items():
        existing = current.get(channel)
        if existing is None:
            ChannelCost.objects.create(service=service, channel=channel, cost_pence=pence)
            changed.append(channel)
        elif existing.cost_pence != pence:
            existing.cost_pence = pence
            existing.save(update_fields=["cost_pence"])
            changed.append(channel)
    return sorted(changed)


class ServiceFilesRefused(Exception):
    """Some files of an import were refused; `refused` gives every reason of each."""

    def __init__(self, refused: dict[str, list[str]]) -> None:
        super().__init__(
            "; ".join(f"{name}: {reason}" for name, rs in refused.items() for reason in rs)
        )
        self.refused = refused


def service_files_import(
    *, files: Sequence[tuple[str, str]], actor: User | None = None
) -> list[Service]:
    """Import several service files (name, text) as one change: all of them, or, when any
    is refused, none (ServiceFilesRefused lists the reasons of every refused file). In
    order, so a file may use a team an earlier one declared."""
    services = []
    refused: dict[str, list[str]] = {}
    with transaction.atomic():
        for name, text in files:
            try:
                services.append(service_import(text=text, actor=actor))
            except ServiceFileInvalid as error:
                refused[name] = error.reasons
        if refused:
            raise ServiceFilesRefused(refused)
    return services
