"""The process designer: service designers edit a process in the browser (bpmn-js and
dmn-js, see frontend/designer), check it, publish it as a new version and compare versions.
Validation, versioning and the audit of who published are workflow.services' job."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from townhall.catalogue.models import Service
from townhall.desk.access import StaffRequest, designer_required
from townhall.desk.forms import ProcessEditForm
from townhall.workflow.definitions import ProcessDefinitionError, ProcessInvalid
from townhall.workflow.publishing import (
    process_version_diff,
    process_version_publish,
    process_version_validate,
)
from townhall.workflow.selectors import (
    process_version,
    process_version_live,
    process_versions,
    processes_live,
)


@designer_required
@require_GET
def process_list(request: StaffRequest) -> HttpResponse:
    live = list(processes_live())
    used_by: dict[str, list[str]] = {}
    for key, name in Service.objects.exclude(process_key="").values_list("process_key", "name"):
        used_by.setdefault(key, []).append(name)
    rows = [(version, used_by.get(version.key, [])) for version in live]
    return render(request, "desk/processes/list.html", {"rows": rows})


@designer_required
@require_GET
def process_detail(request: StaffRequest, key: str) -> HttpResponse:
    versions = list(process_versions(key))
    if not versions:
        raise Http404
    return render(
        request,
        "desk/processes/detail.html",
        {
            "key": key,
            "versions": versions,
            "live": next((v for v in versions if v.is_live), None),
            "services": Service.objects.filter(process_key=key).only("name"),
        },
    )


@designer_required
@require_http_methods(["GET", "POST"])
def process_edit(request: StaffRequest, key: str) -> HttpResponse:
    """Edit the live version; "Check" validates, "Publish" makes a new live version."""
    live = process_version_live(key)
    if live is None:
        raise Http404
    bpmn_xml, dmn_xmls, note = live.bpmn_xml, list(live.dmn_xmls), ""
    problems: list[str] = []
    checked = False
    form = ProcessEditForm(
        request.POST if request.method == "POST" else None, dmn_count=len(live.dmn_xmls)
    )
    if form.is_valid():
        bpmn_xml, dmn_xmls = form.cleaned_data["bpmn_xml"], form.dmn_xmls()
        note = form.cleaned_data["note"]
        try:
            if form.publishing:
                version = process_version_publish(
                    key=key,
                    name=live.name,
                    bpmn_xml=bpmn_xml,
                    dmn_xmls=dmn_xmls,
                    published_by=request.user,
                    note=note,
                )
                if version.pk == live.pk:
                    messages.success(
                        request,
                        gettext("Nothing changed: version %(version)s stays live")
                        % {"version": live.version},
                    )
                else:
                    messages.success(
                        request,
                        gettext("Version %(version)s is live") % {"version": version.version},
                    )
                return redirect("desk:process", key)
            process_version_validate(bpmn_xml=bpmn_xml, dmn_xmls=dmn_xmls)
            checked = True
        except ProcessInvalid as error:
            problems = list(error.problems)
        except (ProcessDefinitionError, ValidationError) as error:
            problems = [str(getattr(error, "message", None) or error)]
    if form.is_bound and form.errors:
        problems = [str(message) for errors in form.errors.values() for message in errors]
    return render(
        request,
        "desk/processes/edit.html",
        {
            "live": live,
            "values": {"bpmn_xml": bpmn_xml, "note": note},
            "dmns": list(enumerate(dmn_xmls)),
            "problems": problems,
            "checked": checked,
        },
        status=400 if problems else 200,
    )


@designer_required
@require_GET
def process_diff(request: StaffRequest, key: str, number: int) -> HttpResponse:
    new = process_version(key, number)
    old = process_version(key, number - 1)
    if new is None or old is None:
        raise Http404
    return render(
        request,
        "desk/processes/diff.html",
        {"key": key, "old": old, "new": new, "diff": process_version_diff(old=old, new=new)},
    )
