"""Case actions beyond status and notes: assign, reopen, merge a duplicate, attach files.
Each goes through its cases service; a refusal comes back as a message on the case page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from townhall.accounts.models import User
from townhall.cases.messages import case_message_resident
from townhall.cases.permissions import case_for_staff, cases_visible_to
from townhall.cases.services import (
    StaleCaseError,
    case_assign,
    case_attach_files,
    case_merge_duplicate,
    case_reopen,
)
from townhall.core.uploads import upload_check
from townhall.desk.access import StaffRequest, staff_required

MAX_FILES = 5


def _lock_version(request: StaffRequest) -> int:
    value = request.POST.get("lock_version", "")
    return int(value) if value.isdigit() else -1


def _done(request: StaffRequest, reference: str, error: ValidationError | None, ok: str):
    if error is not None:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ok)
    return redirect("desk:case", reference)


@staff_required
@require_POST
def assign(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    chosen = request.POST.get("assignee", "")
    assignee = User.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if chosen and assignee is None:
        return _done(request, case.reference, ValidationError("Choose someone from the list."), "")
    try:
        case_assign(case=case, actor=request.user, assignee=assignee,
                    expected_lock_version=_lock_version(request))  # fmt: skip
    except ValidationError as error:
        return _done(request, case.reference, error, "")
    who = (assignee.full_name or assignee.email) if assignee else "nobody"
    return _done(request, case.reference, None, f"{case.reference} is assigned to {who}.")


@staff_required
@require_POST
def reopen(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    try:
        case_reopen(case=case, actor=request.user, reason=request.POST.get("reason", ""),
                    expected_lock_version=_lock_version(request))  # fmt: skip
    except ValidationError as error:
        return _done(request, case.reference, error, "")
    return _done(request, case.reference, None, f"{case.reference} is open again.")


@staff_required
@require_POST
def merge(request: StaffRequest, reference: str) -> HttpResponse:
    duplicate = case_for_staff(request.user, reference)
    target = request.POST.get("original", "").strip().upper()[:20]
    original = cases_visible_to(request.user).filter(reference=target).first()
    if original is None:
        error = ValidationError(f"No case {target or '(none given)'} that you can see.")
        return _done(request, duplicate.reference, error, "")
    try:
        case_merge_duplicate(duplicate=duplicate, original=original, actor=request.user,
                             expected_lock_version=_lock_version(request))  # fmt: skip
    except (ValidationError, StaleCaseError) as error:
        return _done(request, duplicate.reference, error, "")
    return _done(
        request, duplicate.reference, None,
        f"{duplicate.reference} is closed as a duplicate of {original.reference}.",
    )  # fmt: skip


@staff_required
@require_POST
def attach(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    uploads = request.FILES.getlist("files")
    if len(uploads) > MAX_FILES:
        return _done(
            request, case.reference, ValidationError(f"Attach at most {MAX_FILES} files."), ""
        )
    try:
        checked = [upload_check(f, accept=("image", "pdf")) for f in uploads]
        case_attach_files(
            case=case, actor=request.user, files=checked,
            is_public=request.POST.get("visibility") == "public", note=request.POST.get("note", ""),
        )  # fmt: skip
    except ValidationError as error:
        return _done(request, case.reference, error, "")
    return _done(request, case.reference, None, f"{len(checked)} file(s) attached.")


@staff_required
@require_POST
def message(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    try:
        case_message_resident(case=case, actor=request.user,
                              template=request.POST.get("template", ""),
                              extra=request.POST.get("extra", ""))  # fmt: skip
    except ValidationError as error:
        return _done(request, case.reference, error, "")
    return _done(request, case.reference, None, "Message sent to the resident.")
