"""Case actions beyond status and notes: assign, reopen, merge a duplicate, attach files,
message the resident. Each checks its form, then makes one call to its cases service; a
refusal shows the case page again with the form's errors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from townhall.cases.messages import case_message_resident
from townhall.cases.notifications import case_language
from townhall.cases.permissions import case_for_staff, cases_visible_to
from townhall.cases.services import (
    case_assign,
    case_attach_files,
    case_merge_duplicate,
    case_reopen,
)
from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.forms import (
    CaseAssignForm,
    CaseAttachForm,
    CaseMergeForm,
    CaseMessageForm,
    CaseReopenForm,
)
from townhall.desk.views import case_action_refused, refusal_add


def _done(request: StaffRequest, reference: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("desk:case", reference)


@staff_required
@require_POST
def assign(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    form = CaseAssignForm(request.POST, case=case)
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            case_assign(case=case, actor=request.user, assignee=assignee,
                        expected_lock_version=form.expected_lock_version())  # fmt: skip
        except ValidationError as error:
            refusal_add(form, "assignee", error)
        else:
            if assignee:
                who = assignee.full_name or assignee.email
                done = _("%(reference)s is assigned to %(who)s.")
            else:
                who, done = "", _("%(reference)s is assigned to nobody.")
            return _done(request, case.reference, done % {"reference": case.reference, "who": who})
    return case_action_refused(request, reference, "assign_form", form)


@staff_required
@require_POST
def reopen(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    form = CaseReopenForm(request.POST)
    if form.is_valid():
        try:
            case_reopen(case=case, actor=request.user, reason=form.cleaned_data["reason"],
                        expected_lock_version=form.expected_lock_version())  # fmt: skip
        except ValidationError as error:
            refusal_add(form, "reason", error)
        else:
            return _done(
                request,
                case.reference,
                _("%(reference)s is open again.") % {"reference": case.reference},
            )
    return case_action_refused(request, reference, "reopen_form", form)


@staff_required
@require_POST
def merge(request: StaffRequest, reference: str) -> HttpResponse:
    duplicate = case_for_staff(request.user, reference)
    form = CaseMergeForm(request.POST, visible=cases_visible_to(request.user))
    if form.is_valid():
        original = form.cleaned_data["original"]
        try:
            case_merge_duplicate(duplicate=duplicate, original=original, actor=request.user,
                                 expected_lock_version=form.expected_lock_version())  # fmt: skip
        except ValidationError as error:
            refusal_add(form, "original", error)
        else:
            return _done(
                request, duplicate.reference,
                _("%(duplicate)s is closed as a duplicate of %(original)s.")
                % {"duplicate": duplicate.reference, "original": original.reference},
            )  # fmt: skip
    return case_action_refused(request, reference, "merge_form", form)


@staff_required
@require_POST
def attach(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    form = CaseAttachForm(request.POST, request.FILES)
    if form.is_valid():
        checked = form.cleaned_data["files"]
        try:
            case_attach_files(
                case=case, actor=request.user, files=checked,
                is_public=form.cleaned_data["visibility"] == "public",
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except ValidationError as error:
            refusal_add(form, "files", error)
        else:
            attached = ngettext(
                "%(count)d file attached.", "%(count)d files attached.", len(checked)
            )
            return _done(request, case.reference, attached % {"count": len(checked)})
    return case_action_refused(request, reference, "attach_form", form)


@staff_required
@require_POST
def message(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    form = CaseMessageForm(request.POST, language=case_language(case))
    if form.is_valid():
        try:
            case_message_resident(case=case, actor=request.user,
                                  template=form.cleaned_data["template"],
                                  extra=form.cleaned_data["extra"])  # fmt: skip
        except ValidationError as error:
            refusal_add(form, "extra", error)
        else:
            return _done(request, case.reference, _("Message sent to the resident."))
    return case_action_refused(request, reference, "message_form", form)
