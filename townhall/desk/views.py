"""The staff desk: a queue of cases and the case page. Thin views: which cases someone may
see is decided by cases.permissions, and every change goes through cases.services."""

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_POST

from townhall.accounts.models import Department, Team
from townhall.accounts.permissions import can_see_every_department
from townhall.cases import selectors as case_selectors
from townhall.cases.models import Case
from townhall.cases.notifications import case_language
from townhall.cases.permissions import case_for_staff, cases_visible_to
from townhall.cases.selectors import (
    attachment_response,
    case_hand_on,
    case_hand_on_delivery,
    cases_linked,
    cases_nearby,
    cases_of_same_resident,
)
from townhall.cases.services import (
    NOTE_MAX_LENGTH,
    StaleCaseError,
    case_add_note,
    case_change_status,
)
from townhall.catalogue.models import Channel, Service
from townhall.core.audit import audit_record
from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.bulk_views import bulk_assignees
from townhall.desk.forms import (
    BulkForm,
    CaseAssignForm,
    CaseAttachForm,
    CaseMergeForm,
    CaseMessageForm,
    CaseNoteForm,
    CaseReopenForm,
    CaseStatusForm,
)
from townhall.desk.lists import desk_lists_keep_seconds, desk_lists_version
from townhall.desk.queue import (
    COUNT_CAP,
    DUE_FILTERS,
    PAGE_SIZES,
    SORTS,
    STATUS_FILTERS,
    QueueFilters,
    QueuePage,
    queue_cases,
    queue_counts,
    queue_page,
)
from townhall.desk.saved_views import saved_views_for
from townhall.eforms.selectors import answers_for_display
from townhall.places.models import Ward

STALE_HINT = gettext_lazy(
    "If you selected the button twice, your first change may already have been saved."
)


@staff_required
@require_GET
def home(request: StaffRequest) -> HttpResponse:
    """The queue: visible cases, filtered, searched and paged (see desk.queue)."""
    user = request.user
    visible = cases_visible_to(user)
    filters = QueueFilters.from_params(request.GET)
    if filters.query:
        # References are stored in capitals; matching both spellings keeps the unique index.
        exact_match = visible.filter(reference__in={filters.query, filters.query.upper()})
        if exact := exact_match.values_list("reference", flat=True).first():
            return redirect("desk:case", exact)
    cases = queue_cases(user, visible, filters)
    page = queue_page(
        cases.select_related("service", "assigned_to"),
        filters,
        after=request.GET.get("after", "")[:400],
        before=request.GET.get("before", "")[:400],
    )
    (page.count, page.count_capped), counts = queue_counts(cases, visible)
    request.personal_data = True
    now = timezone.now()
    params = filters.params()
    return render(
        request,
        "desk/home.html",
        {
            "page": page,
            "pagination": _keyset_links(page, params),
            "filters": filters,
            "query": filters.query,
            "status_filters": [(key, label) for key, (label, _) in STATUS_FILTERS.items()],
            "services": Service.objects.filter(department__in=_departments(user)).only("name"),
            "teams": Team.objects.filter(department__in=_departments(user)).select_related(
                "department"
            ),
            # Lazy, like the lists above: only read when the kept fragment is rendered afresh.
            "user_has_teams": user.teams.exists,
            "wards": Ward.objects.all(),
            "status_counts": [
                (status, label, counts.get(status)) for status, label in Case.Status.choices
            ],
            "count_cap": COUNT_CAP,
            "filtered": filters.filtered,
            "priorities": Case.Priority.choices,
            "channels": Channel.choices,
            "due_filters": list(DUE_FILTERS.items()),
            "sorts": [(key, label) for key, (label, _) in SORTS.items()],
            "page_sizes": PAGE_SIZES,
            "saved_views": saved_views_for(user),
            "current_view_params": urlencode(params),
            "bulk_form": SimpleLazyObject(
                lambda: BulkForm(visible=visible, assignees=bulk_assignees(user))
            ),
            "lists_keep": desk_lists_keep_seconds(),
            "lists_version": desk_lists_version(),
            "now": now,
        },
    )


def _departments(user) -> QuerySet[Department]:
    if can_see_every_department(user):
        return Department.objects.all()
    return user.departments.all()


def _keyset_links(page: QueuePage, params: dict[str, str]) -> dict:
    """Previous and Next links for the GOV.UK pagination component, keeping the filters."""
    return {
        "items": [],
        "previous": "?" + urlencode({**params, "before": page.previous_cursor})
        if page.previous_cursor
        else "",
        "next": "?" + urlencode({**params, "after": page.next_cursor}) if page.next_cursor else "",
    }


def _pagination(page, params: dict[str, str]) -> dict:
    """Links for the GOV.UK pagination component, keeping the filters in each link."""
    kept = {key: value for key, value in params.items() if value}

    def url(number: int) -> str:
        return "?" + urlencode({**kept, "page": number})

    items: list[dict[str, Any]] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "url": url(number), "current": number == page.number})
    return {
        "items": items if page.paginator.num_pages > 1 else [],
        "previous": url(page.previous_page_number()) if page.has_previous() else "",
        "next": url(page.next_page_number()) if page.has_next() else "",
    }


@staff_required
@require_GET
def case_detail(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    if case.service.is_sensitive and _why_given(request, case) is None:
        return _why_page(request, case)
    return _case_page(request, case)


# Why a member of staff opens a case of a restricted service (SAR, complaints about staff):
# asked before the case is shown, recorded with the audit of the read, remembered for a while.
# Recorded in English, so the audit reads the same whichever language the desk is in; shown
# in the desk's language.
WHY_OPTIONS = {
    "working": gettext_noop("I am working on this case"),
    "requester": gettext_noop("Answering the person who made the request"),
    "quality": gettext_noop("Quality check or audit"),
    "legal": gettext_noop("A legal or information governance request"),
    "other": gettext_noop("Another reason"),
}
WHY_REMEMBERED = timedelta(minutes=30)
WHY_MAX_LENGTH = 200


def _why_given(request: StaffRequest, case: Case) -> str | None:
    """Why this person is opening this restricted case: just given (then remembered), or
    given lately."""
    key = request.GET.get("why", "")
    if key in WHY_OPTIONS:
        reason = WHY_OPTIONS[key]
        if key == "other":
            detail = " ".join(request.GET.get("why_other", "").split())[:WHY_MAX_LENGTH]
            if not detail:
                return None
            reason = f"Another reason: {detail}"
        remembered = request.session.get("why_opened", {})
        remembered[case.reference] = [reason, timezone.now().timestamp()]
        request.session["why_opened"] = remembered
        return reason
    return _why_remembered(request, case)


def _why_remembered(request: StaffRequest, case: Case) -> str | None:
    given = request.session.get("why_opened", {}).get(case.reference)
    if given and timezone.now().timestamp() - given[1] < WHY_REMEMBERED.total_seconds():
        return given[0]
    return None


def _why_page(request: StaffRequest, case: Case) -> HttpResponse:
    error = ""
    if request.GET.get("why") == "other":
        error = _("Say why you are opening this case")
    elif "why" in request.GET:
        error = _("Select why you are opening this case")
    chosen = request.GET.get("why")
    request.personal_data = True
    return render(
        request,
        "desk/case_why.html",
        {
            "case": case,
            "options": {key: _(label) for key, label in WHY_OPTIONS.items()},
            "error": error,
            "errors": {"why_other" if chosen == "other" else "why": error} if error else {},
            "chosen": chosen,
        },
        status=400 if error else 200,
    )


def _case_page(
    request: StaffRequest,
    case: Case,
    *,
    errors: dict[str, str] | None = None,
    failed: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    """The case page, also shown again (status 400) when an action was refused: `failed` is
    the refused form by its name on the page, bound, with its errors and what was typed."""
    errors = errors or {}
    failed = failed or {}
    # Staff reading a resident's request is recorded, whatever brought them here; for a
    # restricted service, with the reason they gave.
    audit_record(
        action="view",
        object_type="case",
        object_id=case.reference,
        actor=request.user,
        subject_user_id=case.resident_id,
        reason=(_why_remembered(request, case) or "") if case.service.is_sensitive else "",
        request=request,
    )
    request.personal_data = True
    visible = cases_visible_to(request.user)
    page_forms: dict[str, forms.Form] = {
        "status_form": CaseStatusForm(case=case),
        "public_note_form": CaseNoteForm(visibility="public", language=case_language(case)),
        "internal_note_form": CaseNoteForm(visibility="internal"),
        "assign_form": CaseAssignForm(case=case),
        "reopen_form": CaseReopenForm(),
        "merge_form": CaseMergeForm(),
        "attach_form": CaseAttachForm(),
        "message_form": CaseMessageForm(language=case_language(case)),
    } | failed
    return render(
        request,
        "desk/case_detail.html",
        {
            "case": case,
            "answers": answers_for_display(case),
            "repeat_misses": case_selectors.missed_bin_repeats(case.uprn, at=case.created_at)
            if case.service.slug == case_selectors.missed_bin_service()
            else None,
            "photos": case.attachments.all(),
            "hand_on": (hand_on := case_hand_on(case)),
            "hand_on_delivery": case_hand_on_delivery(hand_on),
            "events": case.events.select_related("actor").order_by("-at", "-id"),
            "linked_cases": cases_linked(case, visible),
            "nearby_cases": cases_nearby(case, visible),
            "resident_cases": cases_of_same_resident(case, visible),
            "note_max_length": NOTE_MAX_LENGTH,
            "errors": errors,
            "failed_form": next(iter(failed.values()), None),
            "form_has_errors": bool(errors or failed),
            "now": timezone.now(),
            **page_forms,
        },
        status=400 if errors or failed else 200,
    )


def case_action_refused(
    request: StaffRequest, reference: str, name: str, form: forms.Form
) -> HttpResponse:
    """The case page again, as it is now, with the refused form's errors and what was typed."""
    return _case_page(request, case_for_staff(request.user, reference), failed={name: form})


def refusal_add(form: forms.Form, field: str | None, error: ValidationError) -> None:
    """A service's refusal, in its own words, on the form; with a kind word for a double
    click when the case moved on."""
    message = " ".join(error.messages)
    if isinstance(error, StaleCaseError):
        message = f"{message} {STALE_HINT}"
    form.add_error(field, message)


def _resident_told(case: Case) -> bool:
    return bool(case.contact_email or case.resident_id)


def _status_error_field(error: ValidationError) -> str:
    """Which field of the status form a refusal from case_change_status is about."""
    if isinstance(error, StaleCaseError):
        return "status"
    # By the refusal's code, not its words, which are in the desk's language.
    codes = {e.code for e in error.error_list}
    if "resolution" in codes:
        return "resolution"
    if "note" in codes:
        return "public_note"
    return "status"


@staff_required
@require_POST
def case_status_change(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    form = CaseStatusForm(request.POST, case=case)
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = case_change_status(
                case=case,
                actor=request.user,
                status=data["status"],
                resolution=data["resolution"],
                public_note=data["public_note"],
                expected_lock_version=form.expected_lock_version(),
            )
        except ValidationError as error:
            refusal_add(form, _status_error_field(error), error)
        else:
            values = {
                "reference": changed.reference,
                "status": str(changed.get_status_display()).lower(),
            }
            if _resident_told(changed):
                done = _("%(reference)s is now %(status)s. The resident will be told.") % values
            else:
                done = _("%(reference)s is now %(status)s.") % values
            messages.success(request, done)
            return redirect("desk:case", changed.reference)
    # Show the latest state of the case, with what the person typed kept.
    return case_action_refused(request, reference, "status_form", form)


@staff_required
@require_POST
def case_note_add(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    form = CaseNoteForm(request.POST, language=case_language(case))
    if form.is_valid():
        try:
            case_add_note(
                case=case,
                actor=request.user,
                text=form.cleaned_data["text"],
                is_public=form.is_public,
                expected_lock_version=form.expected_lock_version(),
            )
        except ValidationError as error:
            refusal_add(form, "text", error)
        else:
            if form.is_public:
                if _resident_told(case):
                    added = _("Your update has been added and will be sent to the resident.")
                else:
                    added = _("Your update has been added.")
                messages.success(request, added)
            else:
                messages.success(request, _("Your internal note has been added."))
            return redirect("desk:case", case.reference)
    name = "public_note_form" if form.is_public else "internal_note_form"
    return case_action_refused(request, reference, name, form)


@staff_required
@require_GET
def case_attachment(request: StaffRequest, reference: str, attachment_id: int) -> FileResponse:
    """Photos and files, internal ones included, for staff who may see the case."""
    case = case_for_staff(request.user, reference)
    return attachment_response(case, attachment_id, public_only=False)
