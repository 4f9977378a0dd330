"""Bulk actions on the queue: assign the chosen cases, or move them to a status with a note.
Each case goes through the same service as on its own page; refusals are listed."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from townhall.accounts.models import User
from townhall.accounts.permissions import users_who_can_take_cases
from townhall.cases.permissions import cases_visible_to
from townhall.cases.services import case_assign, case_change_status, cases_bulk_apply
from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.forms import BulkForm


@staff_required
@require_POST
def bulk(request: StaffRequest) -> HttpResponse:
    back = request.POST.get("back", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = "/staff/"
    form = BulkForm(request.POST, visible=cases_visible_to(request.user), assignees=[])
    # The queue is a GET page whose filters and place live in its address, so every outcome,
    # a form error included, goes back there as a message rather than re-rendering it here.
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(back)
    data = form.cleaned_data
    if data["action"] == "assign":
        assignee = data["assignee"]
        done, refused = cases_bulk_apply(
            data["cases"], lambda c: case_assign(case=c, actor=request.user, assignee=assignee)
        )
    else:
        done, refused = cases_bulk_apply(
            data["cases"],
            lambda c: case_change_status(case=c, actor=request.user, status=data["status"],
                                         resolution=data["resolution"],
                                         public_note=data["note"]),
        )  # fmt: skip
    if done:
        changed = ngettext(
            "Changed %(count)d case: %(references)s.",
            "Changed %(count)d cases: %(references)s.",
            len(done),
        )
        messages.success(request, changed % {"count": len(done), "references": ", ".join(done)})
    for reference, reason in refused:
        messages.error(
            request,
            _("%(reference)s was not changed: %(reason)s")
            % {"reference": reference, "reason": reason},
        )
    return redirect(back)


def bulk_assignees(user: User) -> list[User]:
    """Whom this member of staff may hand cases to in bulk: their departments' staff."""
    return list(
        users_who_can_take_cases()
        .filter(departments__in=user.departments.all())
        .distinct()
        .order_by("full_name", "email")
    )
