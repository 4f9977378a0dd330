"""Saving and deleting the queue's named views (the queue itself is views.home)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.forms import SavedViewForm
from townhall.desk.queue import QueueFilters
from townhall.desk.saved_views import saved_view_delete, saved_view_save


@staff_required
@require_POST
def saved_view_create(request: StaffRequest) -> HttpResponse:
    """Save the filters the officer is looking at under a name of their choosing."""
    params = QueueFilters.from_params(request.POST).params()
    back = reverse("desk:home") + "?" + urlencode(params)
    form = SavedViewForm(request.POST)
    # The queue is a GET page whose filters live in its address: a refusal goes back there.
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for m in form.errors["view_name"]))
        return redirect(back)
    try:
        view = saved_view_save(
            user=request.user, name=form.cleaned_data["view_name"], params=request.POST
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, _("View ‘%(name)s’ saved") % {"name": view.name})
    return redirect(back)


@staff_required
@require_POST
def saved_view_remove(request: StaffRequest, view_id: int) -> HttpResponse:
    if not saved_view_delete(user=request.user, view_id=view_id):
        raise Http404
    messages.success(request, _("View deleted"))
    return redirect("desk:home")
