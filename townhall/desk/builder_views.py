"""The service builder's pages that read (issue 16 points 1, 3, 8): every service, one
service with its draft and versions, two versions compared, a service's file downloaded;
and creating a service and going back to an earlier version. The writes are
builder.drafts' (each audited); the pages that change a draft are builder_edit_views."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from townhall.accounts.models import Department
from townhall.builder.drafts import (
    ServiceRefused,
    service_create,
    service_draft_problems,
    service_version_restore,
    service_versions_diff,
)
from townhall.builder.exchange import ServiceFileInvalid
from townhall.builder.models import ServiceDraft, ServiceVersion
from townhall.builder.selectors import (
    STATE_FILTERS,
    ServiceNotExportable,
    service_export,
    services_for_builder,
)
from townhall.catalogue.models import Service
from townhall.desk.access import StaffRequest, designer_required
from townhall.desk.builder_forms import (
    CLOCK_LABELS,
    KIND_HINTS,
    STATE_LABELS,
    CompareForm,
    RestoreForm,
    ServiceCreateForm,
)


def builder_service(slug: str) -> Service:
    """The service of a builder page, with what its pages show loaded, or 404."""
    return get_object_or_404(
        Service.objects.select_related("department", "default_team").prefetch_related(
            "channel_costs"
        ),
        slug=slug,
    )


@designer_required
@require_GET
def service_list(request: StaffRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    department = request.GET.get("department", "")
    departments = list(Department.objects.order_by("name").values_list("slug", "name"))
    return render(
        request,
        "desk/builder/list.html",
        {
            "rows": services_for_builder(state=state, department=department),
            "clocks": CLOCK_LABELS,
            "states": [(state, STATE_LABELS[state]) for state in STATE_FILTERS],
            "departments": departments,
            "chosen": {"state": state, "department": department},
        },
    )


@designer_required
@require_http_methods(["GET", "POST"])
def service_new(request: StaffRequest) -> HttpResponse:
    form = ServiceCreateForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service = service_create(
                name=data["name"],
                summary=data["summary"],
                team=data["team"],
                kind=data["kind"],
                actor=request.user,
            )
        except ServiceRefused as error:
            for reason in error.reasons:
                form.add_error("kind" if "kind" in reason else "name", reason)
        else:
            messages.success(
                request,
                gettext("%(name)s is a draft: give it a form, then publish")
                % {"name": service.name},
            )
            return redirect("builder:service", service.slug)
    return render(
        request,
        "desk/builder/create.html",
        {"form": form, "kind_hints": KIND_HINTS},
        status=400 if form.errors else 200,
    )


@designer_required
@require_GET
def service_detail(request: StaffRequest, slug: str) -> HttpResponse:
    service = builder_service(slug)
    versions = list(
        ServiceVersion.objects.filter(service=service)
        .select_related("published_by")
        .defer("data")
        .order_by("-number")
    )
    numbers = [v.number for v in versions]
    compare = CompareForm(request.GET if "older" in request.GET else None, numbers=numbers)
    if compare.is_valid():
        older, newer = sorted([compare.cleaned_data["older"], compare.cleaned_data["newer"]])
        return redirect("builder:service_compare", service.slug, older, newer)
    draft = (
        ServiceDraft.objects.filter(service=service)
        .select_related("updated_by")
        .defer("data")
        .first()
    )
    return render(
        request,
        "desk/builder/detail.html",
        {
            "service": service,
            "draft": draft,
            "problems": service_draft_problems(service) if draft else [],
            "versions": versions,
            "compare": compare,
            "costs": sorted(service.channel_costs.all(), key=lambda c: c.channel),
            "clocks": CLOCK_LABELS,
        },
        status=400 if compare.errors else 200,
    )


@designer_required
@require_GET
def service_export_download(request: StaffRequest, slug: str) -> HttpResponse:
    service = builder_service(slug)
    try:
        text = service_export(service)
    except ServiceNotExportable as error:
        messages.error(
            request, gettext("The service cannot be exported: %(error)s") % {"error": error}
        )
        return redirect("builder:service", service.slug)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{service.slug}.yaml"'
    return response


def _diff_rows(lines: list[str]) -> list[tuple[str, str]]:
    """(kind, text) of each line of a unified diff: removed, added, same, or a place."""
    rows = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            rows.append(("place", line.strip("@ ")))
        elif line.startswith("-"):
            rows.append(("removed", line[1:]))
        elif line.startswith("+"):
            rows.append(("added", line[1:]))
        else:
            rows.append(("same", line[1:]))
    return rows


@designer_required
@require_GET
def service_versions_compare(
    request: StaffRequest, slug: str, older: int, newer: int
) -> HttpResponse:
    service = builder_service(slug)
    found = ServiceVersion.objects.filter(service=service, number__in=[older, newer])
    if older == newer or found.count() != 2:
        raise Http404
    rows = _diff_rows(service_versions_diff(service, older, newer))
    return render(
        request,
        "desk/builder/compare.html",
        {
            "service": service,
            "older": older,
            "newer": newer,
            "rows": rows,
            "removed": sum(kind == "removed" for kind, _ in rows),
            "added": sum(kind == "added" for kind, _ in rows),
        },
    )


@designer_required
@require_http_methods(["GET", "POST"])
def service_version_restore_page(request: StaffRequest, slug: str, number: int) -> HttpResponse:
    """Confirm, then publish version `number` again as a new version."""
    service = builder_service(slug)
    version = get_object_or_404(
        ServiceVersion.objects.select_related("published_by").defer("data"),
        service=service,
        number=number,
    )
    form = RestoreForm(request.POST if request.method == "POST" else None)
    reasons: list[str] = []
    if form.is_valid():
        try:
            new = service_version_restore(
                service=service, number=number, actor=request.user, note=form.cleaned_data["note"]
            )
        except ServiceFileInvalid as error:
            reasons = error.reasons
        else:
            messages.success(
                request,
                gettext("Version %(number)s is published again, as version %(number2)s")
                % {"number": number, "number2": new.number},
            )
            return redirect("builder:service", service.slug)
    return render(
        request,
        "desk/builder/restore.html",
        {
            "service": service,
            "version": version,
            "form": form,
            "reasons": reasons,
            "back": reverse("builder:service", args=[service.slug]),
        },
        status=400 if reasons or form.errors else 200,
    )
