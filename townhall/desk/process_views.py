"""The desk's part in processes: complete a work item, retry a process that needs attention.
Thin: access is the case page's (cases.permissions), changes go through workflow.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from townhall.cases.permissions import case_for_staff
from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.forms import WorkItemDoneForm
from townhall.desk.views import _case_page, case_action_refused, refusal_add
from townhall.workflow.models import ProcessInstance, WorkItem
from townhall.workflow.services import process_retry, work_item_complete


@staff_required
@require_POST
def work_item_done(request: StaffRequest, reference: str, item_id: int) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    item = WorkItem.objects.filter(pk=item_id, case=case).first()
    if item is None:
        raise Http404("No such work item on this case")
    form = WorkItemDoneForm(request.POST, item=item)
    if form.is_valid():
        try:
            work_item_complete(
                work_item=item, actor=request.user, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            refusal_add(form, "outcome", error)
        else:
            messages.success(request, gettext("'%(title)s' is done.") % {"title": item.title})
            return redirect("desk:case", case.reference)
    return case_action_refused(request, reference, "work_item_form", form)


@staff_required
@require_POST
def case_process_retry(request: StaffRequest, reference: str) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    try:
        instance = process_retry(case=case, actor=request.user)
    except (ValidationError, ProcessInstance.DoesNotExist) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else "No process"
        return _case_page(request, case, errors={"process-attention": message})
    if instance.status == ProcessInstance.Status.NEEDS_ATTENTION:
        messages.error(request, _("The retry failed again: the error is shown below."))
    else:
        messages.success(request, _("The process is running again."))
    return redirect("desk:case", case.reference)
