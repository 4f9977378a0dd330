"""The service builder's pages that change a service (issue 16 points 1, 3, 8): its settings
saved into the draft, the draft published or thrown away, the service retired, service files
imported. Each page makes one call to builder.drafts or builder.services (which check,
write and audit); a refusal is shown with every reason, and nothing is written."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from townhall.builder.drafts import (
    DraftConflict,
    ServiceRefused,
    service_draft_discard,
    service_draft_problems,
    service_draft_settings_save,
    service_publish,
    service_retire,
)
from townhall.builder.exchange import ServiceFileInvalid
from townhall.builder.models import ServiceDraft
from townhall.builder.selectors import ServiceNotExportable, service_file_data
from townhall.builder.services import ServiceFilesRefused, service_files_import
from townhall.catalogue.models import Channel, Service
from townhall.desk.access import StaffRequest, designer_required
from townhall.desk.builder_forms import (
    KIND_HINTS,
    TEXTS,
    ImportForm,
    PublishForm,
    RetireForm,
    ServiceSettingsForm,
)
from townhall.desk.builder_views import builder_service


def _draft_data(service: Service) -> tuple[dict[str, Any], int]:
    """What the settings page edits: the draft's data at its revision, or the live service's
    (revision 0: no draft yet; the first save starts one)."""
    draft = ServiceDraft.objects.filter(service=service).first()
    if draft is not None:
        return draft.data, draft.revision
    return service_file_data(service), 0


def _differences(form: ServiceSettingsForm, data: dict[str, Any]) -> list[str]:
    """The settings where the draft a colleague saved differs from what this designer typed."""
    theirs = ServiceSettingsForm(
        initial=ServiceSettingsForm.initial_from(data, 0),
        reference_prefix=data.get("reference_prefix", ""),
    )
    labels = {key: label for key, label, *_ in TEXTS}
    found = []
    for name, field in form.fields.items():
        if name == "revision":
            continue
        mine = form[name].value()
        other = theirs[name].value()
        if str(mine or "") != str(other if other not in (None, False) else ""):
            base = name.removesuffix("_cy")
            label = labels.get(base, field.label or name)
            found.append(f"{label} (Welsh)" if name.endswith("_cy") else str(label))
    return found


@designer_required
@require_http_methods(["GET", "POST"])
def service_settings(request: StaffRequest, slug: str) -> HttpResponse:
    service = builder_service(slug)
    try:
        data, revision = _draft_data(service)
    except ServiceNotExportable as error:
        messages.error(
            request, gettext("The service cannot be edited here: %(error)s") % {"error": error}
        )
        return redirect("builder:service", service.slug)
    conflict, differences = "", []
    prefix = data.get("reference_prefix", "")
    if request.method == "POST":
        form = ServiceSettingsForm(
            request.POST, process_now=data.get("process"), reference_prefix=prefix
        )
        if form.is_valid():
            try:
                service_draft_settings_save(
                    service=service,
                    changes=form.changes(data),
                    revision=form.cleaned_data["revision"] or 0,
                    actor=request.user,
                )
            except DraftConflict as error:
                # Keep what the designer typed, with the new revision: saving again applies it
                # over their colleague's draft, told which settings differ first.
                conflict = str(error)
                posted = request.POST.copy()
                posted["revision"] = str(error.draft.revision)
                form = ServiceSettingsForm(
                    posted,
                    process_now=error.draft.data.get("process"),
                    reference_prefix=error.draft.data.get("reference_prefix", ""),
                )
                form.is_valid()
                differences = _differences(form, error.draft.data)
            else:
                messages.success(
                    request, _("Settings saved in the draft. Publish to make them live")
                )
                return redirect("builder:service", service.slug)
    else:
        form = ServiceSettingsForm(
            initial=ServiceSettingsForm.initial_from(data, revision),
            process_now=data.get("process"),
            reference_prefix=prefix,
        )
    return render(
        request,
        "desk/builder/settings.html",
        {
            "service": service,
            "form": form,
            "texts": [
                (key, label, form[key], form[key + "_cy"], rows) for key, label, _, rows in TEXTS
            ],
            "costs": [form[f"cost_{channel}"] for channel, _ in Channel.choices],
            "options": [form[name] for name in ("needs_location", "sensitive", "popular")],
            "notify_groups": form.notify_groups(),
            "hand_on_fields": form.hand_on_fields(),
            "permit": form.permit_groups(),
            "kind_hints": KIND_HINTS,
            "conflict": conflict,
            "differences": differences,
        },
        status=400 if form.errors or conflict else 200,
    )


@designer_required
@require_http_methods(["GET", "POST"])
def service_publish_page(request: StaffRequest, slug: str) -> HttpResponse:
    service = builder_service(slug)
    draft = ServiceDraft.objects.filter(service=service).select_related("updated_by").first()
    if draft is None:
        messages.info(request, _("There are no changes to publish: edit the settings or the form"))
        return redirect("builder:service", service.slug)
    form = PublishForm(
        request.POST if request.method == "POST" else None, initial={"revision": draft.revision}
    )
    reasons: list[str] = []
    conflict = ""
    if form.is_valid():
        try:
            version = service_publish(
                service=service,
                revision=form.cleaned_data["revision"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ServiceFileInvalid as error:
            reasons = error.reasons
        except ServiceRefused as error:
            form.add_error("note", "; ".join(error.reasons))
        except DraftConflict as error:
            conflict = f"{error} Check the draft, then publish again."
            posted = request.POST.copy()
            posted["revision"] = str(error.draft.revision)
            form = PublishForm(posted)
            form.is_valid()
        else:
            messages.success(
                request,
                gettext("Version %(number)s of %(name)s is live")
                % {"number": version.number, "name": service.name},
            )
            return redirect("builder:service", service.slug)
    problems = reasons or service_draft_problems(service)
    return render(
        request,
        "desk/builder/publish.html",
        {
            "service": service,
            "draft": draft,
            "form": form,
            "problems": problems,
            "refused": bool(reasons),
            "conflict": conflict,
        },
        status=400 if reasons or conflict or form.errors else 200,
    )


@designer_required
@require_http_methods(["GET", "POST"])
def service_discard(request: StaffRequest, slug: str) -> HttpResponse:
    service = builder_service(slug)
    draft = ServiceDraft.objects.filter(service=service).select_related("updated_by").first()
    if draft is None:
        return redirect("builder:service", service.slug)
    if request.method == "POST":
        service_draft_discard(service=service, actor=request.user)
        messages.success(request, _("The draft is thrown away: the live service is unchanged"))
        return redirect("builder:service", service.slug)
    return render(request, "desk/builder/discard.html", {"service": service, "draft": draft})


@designer_required
@require_http_methods(["GET", "POST"])
def service_retire_page(request: StaffRequest, slug: str) -> HttpResponse:
    service = builder_service(slug)
    form = RetireForm(request.POST if request.method == "POST" and not service.retired_at else None)
    if form.is_valid():
        try:
            service_retire(service=service, reason=form.cleaned_data["reason"], actor=request.user)
        except ServiceRefused as error:
            form.add_error("reason", "; ".join(error.reasons))
        else:
            messages.success(
                request,
                gettext("%(name)s is retired: residents and Open311 no longer see it")
                % {"name": service.name},
            )
            return redirect("builder:service", service.slug)
    return render(
        request,
        "desk/builder/retire.html",
        {"service": service, "form": form},
        status=400 if form.errors else 200,
    )


@designer_required
@require_http_methods(["GET", "POST"])
def service_import_upload(request: StaffRequest) -> HttpResponse:
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    refused: dict[str, list[str]] = {}
    if form.is_valid():
        try:
            services = service_files_import(files=form.cleaned_data["files"], actor=request.user)
        except ServiceFilesRefused as error:
            refused = error.refused
        except ServiceNotExportable as error:
            refused = {"import": [str(error)]}
        else:
            names = ", ".join(s.name for s in services)
            messages.success(
                request, gettext("Imported and published: %(names)s") % {"names": names}
            )
            return redirect("builder:services")
    return render(
        request,
        "desk/builder/import.html",
        {"form": form, "refused": refused},
        status=400 if form.errors or refused else 200,
    )
