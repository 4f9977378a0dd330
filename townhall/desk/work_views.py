"""The work queue: open work items of the officer's teams (or assigned to them), soonest due
first. Read from the WorkItem mirror, so a queue never loads a process's state."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from townhall.cases.permissions import cases_visible_to
from townhall.core.calendars import LONDON
from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.views import _pagination as pagination_links
from townhall.workflow.selectors import work_items_open

PAGE_SIZE = 25


@staff_required
@require_GET
def work_queue(request: StaffRequest) -> HttpResponse:
    user = request.user
    mine = request.GET.get("scope") == "mine"
    team_ids = list(user.teams.values_list("pk", flat=True))
    items = work_items_open(team_ids=None if mine else team_ids).filter(
        case__in=cases_visible_to(user)
    )
    if mine:
        items = items.filter(assigned_to=user)
    items = items.select_related("case__service", "assigned_to")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    today = timezone.localdate(now, LONDON)
    rows = [
        {
            "item": item,
            "overdue": item.due_at is not None and item.due_at < now,
            "due_today": item.due_at is not None
            and item.due_at >= now
            and timezone.localdate(item.due_at, LONDON) == today,
        }
        for item in page
    ]
    return render(
        request,
        "desk/work.html",
        {
            "page": page,
            "rows": rows,
            "mine": mine,
            "has_teams": bool(team_ids),
            "pagination": pagination_links(page, {"scope": "mine" if mine else ""}),
        },
    )
