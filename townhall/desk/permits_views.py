"""Permits in the desk: waste officers find a permit by number, address or holder."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from townhall.accounts.permissions import can_see_every_department
from townhall.cases.permissions import user_department_ids
from townhall.core.middleware import mark_personal
from townhall.desk.access import StaffRequest, staff_required
from townhall.permits.selectors import permits_search

PAGE_SIZE = 50


@staff_required
@require_GET
def permit_list(request: StaffRequest) -> HttpResponse:
    """Permits of the services of the officer's departments (all, for who may see all)."""
    query = request.GET.get("q", "")[:100]
    departments = (
        None if can_see_every_department(request.user) else user_department_ids(request.user)
    )
    page = Paginator(permits_search(query, department_ids=departments), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    mark_personal(request)
    return render(request, "desk/permits.html", {"page": page, "query": query.strip()})
