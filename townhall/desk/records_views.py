"""The golden record in the staff desk (/staff/records/): the single view of a person, the
review queue, forensics and data quality. Thin views over records.selectors and
records.services; every page showing personal data is audited and kept out of caches."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.accounts.permissions import can_review_links, can_see_people
from townhall.core.audit import audit_record
from townhall.core.middleware import mark_personal
from townhall.core.models import AuditEvent
from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.forms import (
    LinkDecisionForm,
    PersonMergeForm,
    RecordSplitForm,
    SourceImportForm,
    SourceSettingsForm,
)
from townhall.records import selectors
from townhall.records.mapping import MAPPABLE_FIELDS, source_settings_save
from townhall.records.models import ImportRun, Link, Person, Source
from townhall.records.services import (
    link_decide,
    person_split,
    persons_merge,
    source_import_csv,
)


def _refuse(request: StaffRequest) -> HttpResponse:
    return render(request, "desk/records/forbidden.html", status=403)


def _audit_view(request: StaffRequest, object_type: str, object_id, **detail) -> None:
    mark_personal(request)
    audit_record(action=AuditEvent.Action.VIEW, object_type=object_type, object_id=object_id,
                 actor=request.user, request=request, detail=detail)  # fmt: skip


@staff_required
@require_GET
def index(request: StaffRequest) -> HttpResponse:
    if not can_see_people(request.user):
        return _refuse(request)
    name = request.GET.get("name", "").strip()[:100]
    postcode = request.GET.get("postcode", "").strip()[:10]
    persons = None
    if name or postcode:
        persons = list(selectors.persons_search(name=name, postcode=postcode))
        _audit_view(request, "records.search", "-", name=name, postcode=postcode,
                    persons=[p.pk for p in persons])  # fmt: skip
    return render(request, "desk/records/index.html", {
        "name": name, "postcode": postcode, "persons": persons,
        "review_count": selectors.review_queue().count(),
    })  # fmt: skip


@staff_required
@require_GET
def person_detail(request: StaffRequest, person_id: int) -> HttpResponse:
    if not can_see_people(request.user):
        return _refuse(request)
    return _person_page(request, get_object_or_404(Person, pk=person_id))


def _first_errors(form: forms.Form) -> dict[str, str]:
    """The form's errors by field, one message each, as the records templates show them."""
    return {name: str(errors[0]) for name, errors in form.errors.items()}


def _person_page(request: StaffRequest, person: Person, errors: dict | None = None,
                 status: int = 200) -> HttpResponse:  # fmt: skip
    records = selectors.person_records(person)
    links = selectors.person_links(records)
    cases = selectors.person_cases_for_staff(request.user, records)
    _audit_view(request, "records.person", person.pk, records=[r.key for r in records],
                cases=[c.reference for c in cases.shown],
                cases_elsewhere=cases.elsewhere)  # fmt: skip
    return render(request, "desk/records/person.html", {
        "person": person, "records": records, "golden": selectors.person_golden(records),
        "cases": cases.shown, "cases_elsewhere": cases.elsewhere,
        "links": [(link, selectors.link_reasons(link)) for link in links],
        "errors": errors or {},
    }, status=status)  # fmt: skip


@staff_required
@require_POST
def person_split_view(request: StaffRequest, person_id: int) -> HttpResponse:
    if not can_review_links(request.user):
        return _refuse(request)
    person = get_object_or_404(Person, pk=person_id)
    form = RecordSplitForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, _first_errors(form), 400)
    record = form.cleaned_data["record"]
    try:
        new = person_split(person=person, record=record, user=request.user)
    except ValidationError as error:
        return _person_page(request, person, {"record": error.messages[0]}, 400)
    messages.success(
        request, gettext("Record %(key)s is now person %(pk)s.") % {"key": record.key, "pk": new.pk}
    )
    return redirect("records_desk:person", person_id=person.pk)


@staff_required
@require_POST
def person_merge_view(request: StaffRequest, person_id: int) -> HttpResponse:
    if not can_review_links(request.user):
        return _refuse(request)
    person = get_object_or_404(Person, pk=person_id)
    form = PersonMergeForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, _first_errors(form), 400)
    other = form.cleaned_data["other"]
    try:
        persons_merge(person=person, other=other, user=request.user)
    except ValidationError as error:
        return _person_page(request, person, {"other": error.messages[0]}, 400)
    messages.success(request, gettext("Person %(pk)s merged into this person.") % {"pk": other.pk})
    return redirect("records_desk:person", person_id=person.pk)


@staff_required
@require_GET
def review_queue(request: StaffRequest) -> HttpResponse:
    if not can_review_links(request.user):
        return _refuse(request)
    page = Paginator(selectors.review_queue(), 25).get_page(request.GET.get("page"))
    _audit_view(request, "records.review_queue", page.number,
                links=[link.pk for link in page.object_list])  # fmt: skip
    return render(request, "desk/records/review.html", {"page": page})


@staff_required
def review_link(request: StaffRequest, link_id: int) -> HttpResponse:
    if not can_review_links(request.user):
        return _refuse(request)
    link = get_object_or_404(
        Link.objects.select_related("left__source", "right__source"), pk=link_id
    )
    errors = {}
    if request.method == "POST":
        form = LinkDecisionForm(request.POST)
        if form.is_valid():
            link_decide(link=link, same=form.cleaned_data["decision"] == "same",
                        user=request.user, note=form.cleaned_data["note"])  # fmt: skip
            messages.success(request, _("Decision saved. Later runs will keep it."))
            following = selectors.review_queue().exclude(pk=link.pk).first()
            if following:
                return redirect("records_desk:review_link", link_id=following.pk)
            return redirect("records_desk:review")
        errors = _first_errors(form)
    _audit_view(request, "records.link", link.pk, records=[link.left.key, link.right.key])
    return render(request, "desk/records/link.html", {
        "link": link, "reasons": selectors.link_reasons(link), "errors": errors,
        "pair": [link.left, link.right],
    }, status=400 if errors else 200)  # fmt: skip


@staff_required
@require_GET
def forensics(request: StaffRequest) -> HttpResponse:
    if not can_review_links(request.user):
        return _refuse(request)
    findings = selectors.forensics_findings()
    _audit_view(request, "records.forensics", "-", findings=len(findings))
    return render(request, "desk/records/forensics.html", {"findings": findings})


@staff_required
@require_GET
def quality(request: StaffRequest) -> HttpResponse:
    if not can_review_links(request.user):
        return _refuse(request)
    return render(request, "desk/records/quality.html", {"report": selectors.quality_report()})


@staff_required
@require_GET
def sources(request: StaffRequest) -> HttpResponse:
    """The systems feeding the golden record, with their last import."""
    if not can_review_links(request.user):
        return _refuse(request)
    rows = []
    for source in Source.objects.order_by("name"):
        last = source.imports.order_by("-started_at").first()
        rows.append((source, last, source.records.filter(retired_at__isnull=True).count()))
    return render(request, "desk/records/sources.html", {"rows": rows})


@staff_required
@require_http_methods(["GET", "POST"])
def source_detail(request: StaffRequest, source_id: int) -> HttpResponse:
    """A source's column mapping (which column holds each field) and its imports; a CSV
    extract can be imported here."""
    if not can_review_links(request.user):
        return _refuse(request)
    source = get_object_or_404(Source, pk=source_id)
    error = ""
    mapping: dict[str, str] = dict(source.mapping)
    delimiter, encoding = source.delimiter, source.encoding
    month_first = source.dates_month_first
    form = SourceSettingsForm(request.POST if request.method == "POST" else None)
    if form.is_bound and not form.is_valid():
        error = " ".join(_first_errors(form).values())
    elif form.is_bound:
        mapping = form.mapping()
        delimiter = form.cleaned_data["delimiter"]
        encoding = form.cleaned_data["encoding"]
        month_first = form.cleaned_data["dates_month_first"] == "yes"
        try:
            source_settings_save(
                source=source,
                mapping=mapping,
                delimiter=delimiter,
                encoding=encoding,
                dates_month_first=month_first,
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            audit_record(action=AuditEvent.Action.CHANGE, object_type="source",
                         object_id=source.pk, actor=request.user, request=request,
                         detail={"mapping": source.mapping})  # fmt: skip
            messages.success(
                request, gettext("The column mapping of %(name)s is saved") % {"name": source.name}
            )
            return redirect("records_desk:source", source.pk)
    values = {"delimiter": delimiter, "encoding": encoding, "dates_month_first": month_first}
    return render(
        request,
        "desk/records/source.html",
        {
            "source": source,
            "fields": [(name, mapping.get(name, "")) for name in MAPPABLE_FIELDS],
            "values": values,
            "error": error,
            "errors": {"column_record_id": error} if error else {},
            "imports": source.imports.order_by("-started_at")[:10],
        },
        status=400 if error else 200,
    )


@staff_required
@require_POST
def source_import(request: StaffRequest, source_id: int) -> HttpResponse:
    """Import an uploaded CSV extract: good rows in, each bad row reported with its line."""
    if not can_review_links(request.user):
        return _refuse(request)
    source = get_object_or_404(Source, pk=source_id)
    form = SourceImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(_first_errors(form).values()))
        return redirect("records_desk:source", source.pk)
    upload = form.cleaned_data["extract"]
    try:
        run = source_import_csv(source=source, data=upload.read(), file_name=upload.name or "")
    except ValidationError as refusal:  # the mapping itself is incomplete
        messages.error(request, " ".join(refusal.messages))
        return redirect("records_desk:source", source.pk)
    audit_record(action=AuditEvent.Action.CREATE, object_type="import_run", object_id=run.pk,
                 actor=request.user, request=request, detail={"source": source.slug})  # fmt: skip
    if run.status == ImportRun.Status.FAILED:
        messages.error(
            request,
            gettext("%(name)s was not imported: %(reason)s")
            % {"name": upload.name, "reason": run.errors[0]["reason"]},
        )
    else:
        messages.success(
            request,
            f"{upload.name}: {run.created:,} new, {run.updated:,} updated, "
            f"{run.unchanged:,} unchanged, {run.retired:,} retired, {run.rejected:,} refused",
        )
    return redirect("records_desk:source", source.pk)
