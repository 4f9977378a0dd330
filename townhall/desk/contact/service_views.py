"""The contact centre's service finder: every published service of all four kinds (requests,
internal, information, eligibility checkers), an information service's advice to read to the
caller, and the outcome page an eligibility checker (or any form) ends on at the desk."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from townhall.catalogue import selectors as catalogue
from townhall.catalogue.models import Service
from townhall.desk.access import StaffRequest, staff_required
from townhall.eforms import selectors as eforms_selectors

QUERY_MAX_LENGTH = 100


@staff_required
@require_GET
def service_search(request: StaffRequest) -> HttpResponse:
    """Find a service by its words; each leads to its form (raised for the caller) or, for
    an information service, to its advice."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    return render(
        request,
        "desk/contact/services.html",
        {"query": query, "services": catalogue.services_staff_search(query)},
    )


def _staff_service(slug: str) -> Service:
    service = catalogue.services_for_staff().filter(slug=slug[:50]).first()
    if service is None:
        raise Http404
    return service


@staff_required
@require_GET
def service_information(request: StaffRequest, slug: str) -> HttpResponse:
    """An information service's advice, to read to the caller."""
    service = _staff_service(slug)
    if service.kind != Service.Kind.INFORMATION:
        raise Http404
    return render(
        request,
        "desk/contact/information.html",
        {"service": service, "advice": catalogue.service_advice(service, "en")},
    )


@staff_required
@require_GET
def form_outcome(request: StaffRequest, slug: str, outcome_id: str) -> HttpResponse:
    """Where the caller's answers ended, with nothing sent: the outcome and what to do next
    (the form session is deleted by then: there is nothing of the caller's to show)."""
    service = _staff_service(slug)
    outcome = eforms_selectors.outcome_for_display(
        service,
        outcome_id,
        get_language() or "",
        eforms_selectors.outcome_values_read(request.GET.get("values", "")),
    )
    if outcome is None:
        raise Http404
    return render(
        request,
        "eforms/outcome.html",
        {
            "service": service,
            "outcome": outcome,
            "start_url": reverse("desk:contact:services"),
            "base_template": "desk/layout.html",
        },
    )
