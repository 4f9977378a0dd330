"""The form builder's pages (being written: issue 16)."""

from django.http import Http404, HttpResponse

from townhall.desk.access import StaffRequest, designer_required


@designer_required
def _not_yet(request: StaffRequest, **kwargs: object) -> HttpResponse:
    raise Http404


form_pages = form_preview = _not_yet
