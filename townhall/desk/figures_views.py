"""The managers' figures page (see desk.figures)."""

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from townhall.accounts.permissions import can_see_figures
from townhall.catalogue.models import Channel, Service
from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.figures import (
    PERIODS,
    departments_for_figures,
    figures_for,
    figures_total,
)
from townhall.eforms.selectors import outcome_counts


@staff_required
@require_GET
def figures(request: StaffRequest) -> HttpResponse:
    user = request.user
    if not can_see_figures(user):
        return render(request, "desk/forbidden.html", status=403)
    days_param = request.GET.get("days", "")
    days = int(days_param) if days_param in {str(d) for d in PERIODS} else 30
    departments = departments_for_figures(user)
    rows = figures_for(departments, days)
    # Journeys that ended on an outcome (eligibility checkers' answers), counted by day.
    since = timezone.localdate() - timedelta(days=days - 1)
    outcomes = outcome_counts(Service.objects.filter(department__in=departments), since)
    return render(
        request,
        "desk/figures.html",
        {
            "rows": rows,
            "total": figures_total(rows),
            "days": days,
            "periods": PERIODS.items(),
            "channels": Channel.choices,
            "outcomes": outcomes,
        },
    )
