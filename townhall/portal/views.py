"""The resident's front door: find a service, fill its form, track requests. Thin views:
every write goes through the eforms and cases services."""

import uuid
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from townhall.accounts.models import User
from townhall.bookings import selectors as booking_selectors
from townhall.cases import selectors as case_selectors
from townhall.cases.models import Case
from townhall.cases.services import case_add_resident_comment
from townhall.catalogue import selectors as catalogue
from townhall.catalogue.hand_on import hand_on_read
from townhall.catalogue.models import Service
from townhall.core.languages import Language, language_active
from townhall.core.middleware import mark_personal
from townhall.core.pagecache import page_cached
from townhall.core.uploads import upload_check
from townhall.eforms import selectors as eforms_selectors
from townhall.eforms.definition import definition_in_language
from townhall.eforms.journey import (
    JourneyStep,
    journey_case,
    journey_check,
    journey_page,
    journey_start,
)
from townhall.eforms.services import FormUnavailable
from townhall.permits import selectors as permits
from townhall.places import selectors as places
from townhall.portal import bin_day_views
from townhall.portal.journey import (
    PORTAL_DOOR,
    form_session_for_request,
    guest_session_remember,
)
from townhall.portal.payment_views import pay_page, payment_needed
from townhall.workflow import services as workflow_services

COMMENT_MAX_FILES = 3


@page_cached(catalogue.PAGES)
def home(request: HttpRequest) -> HttpResponse:
    my_bin_day, my_address = bin_day_views.bin_day_for_resident(request.user)
    return render(
        request,
        "portal/home.html",
        {
            "popular": catalogue.services_popular(),
            "my_bin_day": my_bin_day,
            "my_missed": bin_day_views.missed_for_resident(my_bin_day, my_address),
        },
    )


@page_cached(catalogue.PAGES)
def service_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    welsh = language_active() == Language.WELSH
    services = (
        catalogue.services_search(query, "cy" if welsh else "en")
        if query
        else catalogue.services_public_list()
    )
    groups: dict[str, list] = {}
    for service in services:
        # The A to Z runs by the name the resident reads: the Welsh one on a Welsh page.
        name = (service.name_cy if welsh else "") or service.name
        groups.setdefault(name[0].upper(), []).append(service)
    return render(
        request,
        "portal/service_list.html",
        {"query": query, "groups": sorted(groups.items()), "count": len(services)},
    )


def _public_service(slug: str) -> Service:
    service = next((s for s in catalogue.services_public_list() if s.slug == slug), None)
    if service is None:
        raise Http404
    return service


@page_cached(catalogue.PAGES)
def service_start(request: HttpRequest, slug: str) -> HttpResponse:
    """The start page; an information service's is its advice, and all there is."""
    service = _public_service(slug)
    if service.kind == Service.Kind.INFORMATION:
        return render(
            request,
            "portal/service_information.html",
            {
                "service": service,
                "advice": catalogue.service_advice(service, get_language() or ""),
            },
        )
    return render(
        request,
        "portal/service_start.html",
        {
            "service": service,
            "prefill": _prefill(request.GET),
            "start": definition_in_language(
                catalogue.service_start_content(service), language_active()
            ),
            "hand_on": hand_on_read(service.hand_on),
            "council_name": settings.COUNCIL_NAME,
        },
    )


PREFILL_PREFIX = "prefill-"


def _prefill(params) -> dict[str, str]:
    """Answers a link suggests for the form (`?prefill-bin_type=recycling`), carried by the
    start page into the journey; the form keeps only those of its own questions."""
    return {
        key.removeprefix(PREFILL_PREFIX): value[:100]
        for key, value in params.items()
        if key.startswith(PREFILL_PREFIX) and value and len(key) <= 60
    }


def service_outcome(request: HttpRequest, slug: str, outcome_id: str) -> HttpResponse:
    """Where a journey ended without sending anything: the outcome and what to do next."""
    service = _public_service(slug)
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
            "start_url": reverse("portal:service_start", args=[slug]),
        },
    )


# Exempt from CSRF so that start pages carry no token and can be kept whole for everyone
# (core/pagecache.py). Starting a form only makes an empty form session: forged from another
# site it reaches us without the visitor's session (SameSite=Lax), so it starts a guest's
# empty form and nothing else. A browser's Origin naming another site is still refused.
@csrf_exempt
@require_POST
def form_begin(request: HttpRequest, slug: str) -> HttpResponse:
    origin = request.headers.get("Origin")
    if origin and origin != f"{request.scheme}://{request.get_host()}":
        raise PermissionDenied(_("This form can only be started from this site."))
    service = get_object_or_404(catalogue.services_public(), slug=slug)
    hand_on = hand_on_read(service.hand_on)
    if hand_on is not None and hand_on.method == "link":
        # Another council's, reported on their own site: no form and no case here.
        return redirect("portal:service_start", slug=slug)
    user = request.user if request.user.is_authenticated else None
    if user is not None and user.is_council_staff:
        return redirect("desk:home")  # staff raise requests for callers from the desk
    try:
        session, first_page_url = journey_start(
            service=service, door=PORTAL_DOOR, user=user, prefill=_prefill(request.POST)
        )
    except FormUnavailable as error:
        raise Http404 from error
    if session.user_id is None:  # a guest's, or any eligibility checker's
        guest_session_remember(request, session)
    return redirect(first_page_url)


@require_http_methods(["GET", "POST"])
def form_page(request: HttpRequest, slug: str, session_id, page_id: str) -> HttpResponse:
    session = form_session_for_request(request, session_id, slug)
    step = journey_page(
        session=session,
        page_id=page_id,
        door=PORTAL_DOOR,
        method=request.method or "GET",
        data=request.POST,
        files=request.FILES,
        change=bool(request.GET.get("change")),
    )
    if step.saved:
        messages.success(request, _("Your answers have been saved. Continue from My Account."))
    if step.redirect:
        return redirect(step.redirect)
    return render(request, "eforms/page.html", step.context)


@require_http_methods(["GET", "POST"])
def form_check(request: HttpRequest, slug: str, session_id) -> HttpResponse:
    session = form_session_for_request(request, session_id, slug)
    step = journey_check(session=session, door=PORTAL_DOOR, method=request.method or "GET")
    if step.notice:
        messages.info(request, step.notice)
    if step.redirect:
        return redirect(step.redirect)
    return render(request, "eforms/check_answers.html", step.context)


def form_done(request: HttpRequest, slug: str, session_id) -> HttpResponse:
    session = form_session_for_request(request, session_id, slug)
    case = journey_case(session=session, door=PORTAL_DOOR)
    if isinstance(case, JourneyStep):
        return redirect(case.redirect)
    if payment_needed(case):
        return pay_page(request, slug, session, case)
    mark_personal(request)
    return render(
        request,
        "eforms/confirmation.html",
        {
            "service": session.service,
            "case": case,
            "paid": case.payments.filter(status="success").first(),
            "hand_on": case_selectors.case_hand_on(case),
            "permit": permits.permit_for_case(case),
            "confirmation": definition_in_language(
                session.form_version.definition, language_active()
            ).get("confirmation", []),
        },
    )


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if user.is_council_staff:
        return redirect("desk:home")
    seconds = settings.MY_ACCOUNT_KEEP_SECONDS
    key = case_selectors.my_account_cache_key(user.pk, get_language() or "")
    lists = cache.get(key) if seconds else None
    if lists is None:
        cases, drafts = eforms_selectors.my_account_lists(user)
        context = {"cases": cases, "drafts": drafts}
        lists = render_to_string("portal/_my_account_lists.html", context, request)
        if seconds:
            cache.set(key, lists, seconds)
    # Our own template's output, kept as text in the cache.
    # Permits are read fresh (not cached with the lists): a renewal shows as soon as it is paid.
    my_bin_day, my_address = bin_day_views.bin_day_for_resident(user)
    page = {
        "lists": mark_safe(lists),  # noqa: S308 (our own template output, cached as text)
        "my_bin_day": my_bin_day,
        "my_missed": bin_day_views.missed_for_resident(my_bin_day, my_address),
        "permits": permits.permits_for_my_account(user),
    }
    return render(request, "portal/my_account.html", page)


def _comment(request: HttpRequest, case: Case) -> dict[str, str]:
    files = request.FILES.getlist("photos")
    if len(files) > COMMENT_MAX_FILES:
        return {
            "photos": _("You can add up to %(count)s photos at a time")
            % {"count": COMMENT_MAX_FILES}
        }
    try:
        checked = [upload_check(f, accept=("image",)) for f in files]
        case_add_resident_comment(
            case=case,
            resident=request.user if request.user.is_authenticated else None,
            text=request.POST.get("comment", ""),
            files=checked,
            idempotency_key=request.POST.get("nonce", ""),
        )
    except ValidationError as error:
        field = "photos" if files and "photo" in error.messages[0].lower() else "comment"
        return {field: error.messages[0]}
    except PermissionDenied as error:
        return {"comment": str(error)}
    messages.success(request, _("Your comment has been added to the request."))
    return {}


def _resident_request(request: HttpRequest, case: Case) -> dict[str, str]:
    """The resident asks the process for something it waits for (a stage 2 review)."""
    try:
        sent = workflow_services.resident_request_make(
            case=case,
            resident=request.user if request.user.is_authenticated else None,
            message=request.POST.get("request", ""),
            text=request.POST.get("reason", ""),
            idempotency_key=request.POST.get("nonce", ""),
        )
    except ValidationError as error:
        return {"reason": error.messages[0]}
    except PermissionDenied as error:
        return {"reason": str(error)}
    asked = workflow_services.RESIDENT_REQUESTS[request.POST["request"]]
    if sent:
        messages.success(request, asked.confirmation)
    else:
        messages.info(request, _("We already have this request, or the time to ask has passed."))
    return {}


def _request_page(request: HttpRequest, case: Case, post_url: str) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        if "request" in request.POST:
            errors = _resident_request(request, case)
        else:
            errors = _comment(request, case)
        if not errors:
            return redirect(post_url)
    mark_personal(request)
    return render(
        request,
        "portal/request_detail.html",
        {
            "case": case,
            "events": case_selectors.public_timeline(case),
            "photos": case_selectors.public_attachments(case),
            "hand_on": case_selectors.case_hand_on(case),
            "answers": eforms_selectors.answers_for_display(case),
            "booking": booking_selectors.booking_of_case(case.pk),
            "now": timezone.now(),
            "errors": errors,
            "form_has_errors": bool(errors),
            "comment": request.POST.get("comment", "") if errors else "",
            "reason": request.POST.get("reason", "") if errors else "",
            "resident_requests": workflow_services.resident_requests_open(case)
            if case.is_open
            else [],
            "post_url": post_url,
            "nonce": uuid.uuid4().hex,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_selectors.case_for_resident(cast(User, request.user), reference)
    return _request_page(request, case, reverse("portal:request_detail", args=[reference]))


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, token: str) -> HttpResponse:
    case = case_selectors.case_by_tracking_token(token)
    if case.resident_id is not None:
        # Requests made from an account are tracked there, behind sign-in.
        return redirect("portal:request_detail", case.reference)
    return _request_page(request, case, reverse("portal:track", args=[token]))


def attachment(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    """Photos are served only to the person who may see the request (never a public URL)."""
    token = request.GET.get("t", "")
    if token:
        case = case_selectors.case_by_tracking_token(token)
        if case.reference != reference:
            raise Http404
    elif request.user.is_authenticated:
        case = case_selectors.case_for_resident(cast(User, request.user), reference)
    else:
        raise Http404
    return case_selectors.attachment_response(case, attachment_id)


def streets_geojson(request: HttpRequest) -> JsonResponse:
    """The borough's streets, drawn on the report map when there is no tile server."""
    response = JsonResponse(places.streets_geojson())
    response["Cache-Control"] = "public, max-age=3600"
    return response


@page_cached()
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html")


@page_cached()
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")
