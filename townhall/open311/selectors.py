"""Reads for the Open311 door: which services are offered, what each asks, and the requests.

Every read of requests, by id or in any list, goes through `requests_search`: opened cases
and requests accepted but not opened yet (`Open311Submission` with no case), each made into
a `ServiceRequest` the same way whichever it is, so the reads agree with each other and a
request's fields stay as they were when its case opens.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, JSONField, Min, OuterRef, Prefetch, QuerySet, Subquery

from townhall.cases.models import Case, CaseAttachment, CaseEvent
from townhall.catalogue.clocks import service_due_at
from townhall.catalogue.models import Service
from townhall.core.memo import ProcessMemo
from townhall.core.tasks import Backlog
from townhall.eforms.definition import CHECK_ANSWERS
from townhall.eforms.engine import FormFlow
from townhall.eforms.models import FormVersion
from townhall.open311.models import Open311Submission

# Form fields that Open311 carries in its own parameters (lat/long, address_string, email,
# media_url...) or cannot carry at all, so they are not offered as attributes.
SKIPPED_FIELD_TYPES = {"location", "address", "file", "declaration", "email", "phone"}
CONTACT_FIELD_PREFIX = "contact_"

DATATYPES = {
    "text": "string",
    "textarea": "text",
    "number": "number",
    "date": "datetime",
    "radios": "singlevaluelist",
    "select": "singlevaluelist",
    "yesno": "singlevaluelist",
    "checkboxes": "multivaluelist",
}
LIST_DATATYPES = {"singlevaluelist", "multivaluelist"}
YES_NO_VALUES = [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}]

REQUESTS_LIMIT = 1000
CLIENT_REFERENCE = "fixmystreet_id"
CLOSEST_ADDRESS = "closest_address"


def automated_attributes(start: int) -> list["Attribute"]:
    """Attributes every service offers for the client to fill in itself."""
    return [
        Attribute(
            code=CLIENT_REFERENCE,
            datatype="string",
            required=False,
            automated="server_set",
            description="Your own id for this report. Posting again with the same id returns "
            "the same service_request_id instead of making a second report.",
            datatype_description="Up to 100 characters.",
            order=start,
        ),
        Attribute(
            code=CLOSEST_ADDRESS,
            datatype="string",
            required=False,
            automated="server_set",
            description="The nearest address you found for the location.",
            datatype_description="Up to 255 characters.",
            order=start + 1,
        ),
    ]


@dataclass(frozen=True)
class Attribute:
    """One question of a service's form, as an Open311 attribute."""

    code: str
    datatype: str
    required: bool
    description: str
    datatype_description: str
    order: int
    values: tuple[tuple[str, str], ...] = ()
    # Required when its page is on the reporter's route (a branch may skip the page).
    required_on_route: bool = False
    page: str = ""
    # mySociety's extension: "server_set" attributes are filled by the client itself (its own
    # id for the report, the address it found), never asked of the person reporting.
    automated: str = ""

    @property
    def keys(self) -> set[str]:
        return {key for key, _ in self.values}


def services_listed() -> QuerySet[Service]:
    """Public services with an Open311 code, in code order: the published ones, and the
    retired (unpublished) ones, which clients still need to show their old reports."""
    return (
        Service.objects.filter(audience=Service.Audience.PUBLIC)
        .exclude(open311_code="")
        .select_related("department", "form")
        .prefetch_related(
            Prefetch(
                "form__versions",
                queryset=FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED).order_by(
                    "-number"
                ),
                to_attr="published_versions",
            )
        )
        .order_by("open311_code", "name")
    )


def services_offered() -> QuerySet[Service]:
    """The services that take new reports over Open311: the published ones."""
    return services_listed().filter(is_published=True)


# Every post reads its service and form definition; they are kept per process as long as
# the public service list is kept in the shared cache (OPEN311_CACHE_SECONDS), so a change
# reaches posts no later than it reaches clients reading GET services.
_services_kept = ProcessMemo("OPEN311_CACHE_SECONDS")


def service_by_code(code: str, *, retired_too: bool = False) -> Service | None:
    """The service with this Open311 code, or None; retired ones only when asked for.
    Read-only: the object may be shared by every request of this process for a while."""
    if not code:
        return None

    def load() -> Service | None:
        services = services_listed() if retired_too else services_offered()
        return services.filter(open311_code=code).order_by("-is_published").first()

    return _services_kept.get((code, retired_too), load)


def _datatype_description(field: dict, datatype: str) -> str:
    if datatype == "datetime":
        # The form's hint is for people typing day, month and year; clients send ISO dates.
        return "A date, like 2026-01-31 (a W3C datetime is accepted too)"
    if field.get("hint"):
        return str(field["hint"])
    if datatype == "number":
        bounds = [f"at least {field['min']}" if "min" in field else ""]
        bounds.append(f"at most {field['max']}" if "max" in field else "")
        kind = "A whole number" if field.get("integer") else "A number"
        said = " and ".join(b for b in bounds if b)
        return f"{kind} {said}".strip()
    if datatype == "multivaluelist":
        return "One or more of the keys listed"
    if datatype == "singlevaluelist":
        return "One of the keys listed"
    limit = field.get("max_length")
    return f"Up to {limit:,} characters" if limit else ""


def _page_targets(pages: list[dict], index: int) -> set[str]:
    """Where a reporter can go after page `index` (-1: the start), whatever they answer."""
    targets: set[str] = set()
    branches = pages[index].get("next", []) if index >= 0 else []
    targets.update(branch["goto"] for branch in branches if "goto" in branch)
    if any("when" not in branch for branch in branches):
        return targets  # an unconditional branch: the order of pages never applies
    for later in pages[index + 1 :]:
        targets.add(later["id"])
        if not later.get("show_if"):
            return targets
    targets.add(CHECK_ANSWERS)
    return targets


def pages_always_visited(pages: list[dict]) -> set[str]:
    """Pages on every possible route through a form: a page is one when, without it, the
    end (check answers) cannot be reached. Branches (`next`) and `show_if` make the others
    conditional, so their questions cannot be required of every Open311 client."""
    index = {page["id"]: i for i, page in enumerate(pages)}

    def reachable_without(skipped: str) -> bool:
        seen: set[str] = set()
        stack = [t for t in _page_targets(pages, -1) if t != skipped]
        while stack:
            page_id = stack.pop()
            if page_id == CHECK_ANSWERS:
                return True
            if page_id in seen or page_id not in index:
                continue
            seen.add(page_id)
            stack.extend(t for t in _page_targets(pages, index[page_id]) if t != skipped)
        return False

    return {page["id"] for page in pages if not reachable_without(page["id"])}


def _live_version(service: Service) -> FormVersion | None:
    if service.form is None:
        return None
    # services_offered() prefetches the published versions, so a list costs no extra queries.
    published = getattr(service.form, "published_versions", None)
    if published is None:
        return service.form.live_version()
    return published[0] if published else None


def service_pages_on_route(service: Service, answers: dict[str, Any]) -> set[str]:
    """The pages a reporter with these answers passes through (branch conditions evaluated
    on the answers given; an unanswered question takes the default way)."""
    version = _live_version(service)
    if version is None:
        return set()
    flow = FormFlow(version.definition, ask_contact=False)
    pages: set[str] = set()
    page_id = flow.first_page_id(answers)
    while page_id != CHECK_ANSWERS and page_id not in pages:
        pages.add(page_id)
        page_id = flow.next_page_id(page_id, answers)
    return pages


def service_attributes(service: Service) -> list[Attribute]:
    """The attributes of a service, generated from its live form version's fields."""
    version = _live_version(service)
    if version is None:
        return []
    attributes: list[Attribute] = []
    always = pages_always_visited(version.definition.get("pages", []))
    for page in version.definition.get("pages", []):
        conditional = page["id"] not in always
        for field in page.get("fields", []):
            datatype = DATATYPES.get(field["type"])
            if (
                datatype is None
                or field["type"] in SKIPPED_FIELD_TYPES
                or field["name"].startswith(CONTACT_FIELD_PREFIX)
            ):
                continue
            if field["type"] == "yesno":
                values = tuple((v["key"], v["name"]) for v in YES_NO_VALUES)
            else:
                values = tuple(
                    (str(option["value"]), str(option.get("label", option["value"])))
                    for option in field.get("options", [])
                )
            attributes.append(
                Attribute(
                    code=field["name"],
                    datatype=datatype,
                    # A question shown only on some answers cannot be required of everyone.
                    required=bool(field.get("required")) and not conditional,
                    description=field["label"],
                    datatype_description=_datatype_description(field, datatype),
                    order=len(attributes) + 1,
                    values=values if datatype in LIST_DATATYPES else (),
                    required_on_route=bool(field.get("required")),
                    page=page["id"],
                )
            )
    return attributes + automated_attributes(len(attributes) + 1)


def requests_visible() -> QuerySet[Case]:
    """Cases anyone may see over Open311: those of offered, non-sensitive services, each
    with `status_notes`: the public note of its latest status change, if any."""
    latest_note = (
        CaseEvent.objects.filter(
            case=OuterRef("pk"), kind=CaseEvent.Kind.STATUS_CHANGED, is_public=True
        )
        .exclude(text="")
        .order_by("-at", "-id")
        .values("text")[:1]
    )
    first_photo = (
        CaseAttachment.objects.filter(
            case=OuterRef("pk"), is_public=True, content_type__startswith="image/"
        )
        .order_by("uploaded_at", "id")
        .values("pk")[:1]
    )
    return (
        Case.objects.filter(
            service__audience=Service.Audience.PUBLIC,
            service__is_sensitive=False,
        )
        .exclude(service__open311_code="")
        .select_related("service", "department", "open311_submission")
        .annotate(status_notes=Subquery(latest_note), photo_id=Subquery(first_photo))
    )


@dataclass(frozen=True)
class ServiceRequest:
    """A service request as every Open311 read gives it (by id and each list form alike):
    from its case once the worker has opened it, from what the client sent until then. The
    two agree on every field but `status_notes` and `updated_at`, so opening changes nothing
    else a client has read."""

    reference: str
    status: str  # a Case.Status
    status_notes: str | None
    service_name: str
    service_code: str
    description: str
    agency: str
    requested_at: datetime
    updated_at: datetime
    expected_at: datetime | None
    address: str
    uprn: str
    lat: float | None
    lon: float | None
    media_url: str
    photo_id: int | None


def _request_of_case(case: Case) -> ServiceRequest:
    submission = getattr(case, "open311_submission", None)
    return ServiceRequest(
        reference=case.reference,
        status=case.status,
        status_notes=getattr(case, "status_notes", None) or None,
        service_name=case.service.name,
        service_code=case.service.open311_code,
        description=submission.description if submission is not None else case.summary,
        agency=case.department.name,
        requested_at=case.created_at,
        updated_at=case.updated_at,
        expected_at=case.due_at,
        address=case.location_text,
        uprn=case.uprn,
        lat=case.lat,
        lon=case.lon,
        media_url=submission.media_url if submission is not None else "",
        photo_id=getattr(case, "photo_id", None),
    )


def _request_of_accepted(submission: Open311Submission) -> ServiceRequest:
    # What `submission_case_open` will open the case with: the received time is the case's
    # created_at, its department the service's, its due date the service's clock from then.
    service, intake = submission.service, submission.intake
    if service is None or not submission.reference:  # pragma: no cover - set on acceptance
        raise ValueError(f"Accepted request {submission.pk} has no service or reference")
    return ServiceRequest(
        reference=submission.reference,
        status=Case.Status.OPEN,
        status_notes=None,
        service_name=service.name,
        service_code=service.open311_code,
        description=submission.description,
        agency=service.department.name,
        requested_at=submission.created_at,
        updated_at=submission.created_at,
        expected_at=service_due_at(service=service, received=submission.created_at),
        address=intake.get("location_text") or "",
        uprn=intake.get("uprn") or "",
        lat=intake.get("lat"),
        lon=intake.get("lon"),
        media_url=submission.media_url,
        photo_id=None,
    )


def requests_accepted_not_yet_opened() -> QuerySet[Open311Submission]:
    """Posted requests whose case the worker has not opened yet, on services whose requests
    anyone may see (the rule of `requests_visible`)."""
    return (
        Open311Submission.objects.filter(
            case__isnull=True,
            reference__isnull=False,
            service__audience=Service.Audience.PUBLIC,
            service__is_sensitive=False,
        )
        .exclude(service__open311_code="")
        .select_related("service__department")
    )


def requests_search(
    *,
    references: list[str] | None = None,
    service_codes: list[str] | None = None,
    statuses: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[ServiceRequest]:
    """Requests matching the filters, newest first (by `requested_at`), at most
    REQUESTS_LIMIT: opened cases and accepted requests not opened yet alike, so a request is
    in every read it matches from the moment its id is given. References, when given,
    override every other filter (as the spec says)."""
    cases = requests_visible()
    accepted = requests_accepted_not_yet_opened()
    if references:
        cases = cases.filter(reference__in=references)
        accepted = accepted.filter(reference__in=references)
    else:
        if service_codes:
            cases = cases.filter(service__open311_code__in=service_codes)
            accepted = accepted.filter(service__open311_code__in=service_codes)
        if statuses:
            case_statuses: list[Any] = []
            if "open" in statuses:
                case_statuses += [Case.Status.OPEN, Case.Status.IN_PROGRESS]
            if "closed" in statuses:
                case_statuses.append(Case.Status.CLOSED)
            cases = cases.filter(status__in=case_statuses)
            if "open" not in statuses:  # a case not opened yet reads as open
                accepted = accepted.none()
        if start is not None:
            cases = cases.filter(created_at__gte=start)
            accepted = accepted.filter(created_at__gte=start)
        if end is not None:
            cases = cases.filter(created_at__lte=end)
            accepted = accepted.filter(created_at__lte=end)
    # Accepted requests first: one whose case opens between the two queries is then found
    # in both and read as its case, never twice and never missed. Each source is cut at the
    # limit before merging: the newest REQUESTS_LIMIT of both are among those.
    waiting = [_request_of_accepted(s) for s in accepted.order_by("-created_at")[:REQUESTS_LIMIT]]
    opened = [_request_of_case(c) for c in cases.order_by("-created_at")[:REQUESTS_LIMIT]]
    references_opened = {request.reference for request in opened}
    found = opened + [r for r in waiting if r.reference not in references_opened]
    found.sort(key=lambda request: request.requested_at, reverse=True)
    return found[:REQUESTS_LIMIT]


def request_find(reference: str) -> ServiceRequest | None:
    """One request by its id, read as every list reads it."""
    found = requests_search(references=[reference])
    return found[0] if found else None


def request_by_reference(reference: str) -> Case | None:
    """The opened case of a request anyone may see, by its id."""
    return requests_visible().filter(reference=reference).first()


def request_updates(*, client_id: int, start: datetime, end: datetime) -> list[CaseEvent]:
    """The council's public updates (status changes, public notes) on the requests a client
    sent, oldest first, at most REQUESTS_LIMIT. The client's own comments are not echoed.
    Each has `status_then`: the data of the case's latest status change at that moment."""
    status_then = (
        CaseEvent.objects.filter(
            case=OuterRef("case"), kind=CaseEvent.Kind.STATUS_CHANGED, at__lte=OuterRef("at")
        )
        .order_by("-at", "-id")
        .values("data")[:1]
    )
    return list(
        CaseEvent.objects.filter(
            case__open311_submission__client_id=client_id,
            kind__in=[CaseEvent.Kind.STATUS_CHANGED, CaseEvent.Kind.PUBLIC_NOTE],
            is_public=True,
            at__gte=start,
            at__lte=end,
        )
        .select_related("case")
        .annotate(status_then=Subquery(status_then, output_field=JSONField()))
        .order_by("at", "id")[:REQUESTS_LIMIT]
    )


def request_photo(reference: str, photo_id: int) -> CaseAttachment | None:
    """A public photo of a request anyone may see over Open311."""
    return CaseAttachment.objects.filter(
        pk=photo_id,
        is_public=True,
        content_type__startswith="image/",
        case__in=requests_visible().filter(reference=reference).values("pk"),
    ).first()


def submissions_unopened() -> Backlog:
    """Requests accepted (the client holds their id) whose case is not opened yet, and when
    the oldest was accepted."""
    found = Open311Submission.objects.filter(case__isnull=True).aggregate(
        count=Count("id"), oldest=Min("created_at")
    )
    return Backlog(found["count"], found["oldest"])
