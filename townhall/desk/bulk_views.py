"""Bulk actions on the queue: assign the chosen cases, or move them to a status with a note.
Each case goes through the same service as on its own page; refusals are listed."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from townhall.accounts.models import User
from townhall.accounts.permissions import users_who_can_take_cases
from townhall.cases.models import Case
from townhall.cases.permissions import cases_visible_to
from townhall.cases.services import case_assign, case_change_status, cases_bulk_apply
from townhall.desk.access import StaffRequest, staff_required

BULK_MAX = 100


@staff_required
@require_POST
def bulk(request: StaffRequest) -> HttpResponse:
    back = request.POST.get("back", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = "/staff/"
    references = [r[:20] for r in request.POST.getlist("cases")][:BULK_MAX]
    cases = list(cases_visible_to(request.user).filter(reference__in=references))
    if not cases:
        messages.error(request, "Select the cases to change first.")
        return redirect(back)
    action = request.POST.get("action")
    if action == "assign":
        chosen = request.POST.get("assignee", "")
        assignee = User.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        if chosen and assignee is None:
            messages.error(request, "Choose someone from the list.")
            return redirect(back)
        done, refused = cases_bulk_apply(
            cases, lambda c: case_assign(case=c, actor=request.user, assignee=assignee)
        )
    elif action == "status":
        status = request.POST.get("status", "")
        resolution = request.POST.get("resolution", "")
        note = request.POST.get("note", "")
        if status not in Case.Status.values:
            messages.error(request, "Choose the status to move the cases to.")
            return redirect(back)
        done, refused = cases_bulk_apply(
            cases,
            lambda c: case_change_status(case=c, actor=request.user, status=status,
                                         resolution=resolution, public_note=note),
        )  # fmt: skip
    else:
        messages.error(request, "Choose what to do with the selected cases.")
        return redirect(back)
    if done:
        messages.success(request, f"Changed {len(done)} case{'s' if len(done) > 1 else ''}: "
                         f"{', '.join(done)}.")  # fmt: skip
    for reference, reason in refused:
        messages.error(request, f"{reference} was not changed: {reason}")
    return redirect(back)


def bulk_assignees(user: User) -> list[User]:
    """Whom this member of staff may hand cases to in bulk: their departments' staff."""
    return list(
        users_who_can_take_cases()
        .filter(departments__in=user.departments.all())
        .distinct()
        .order_by("full_name", "email")
    )
