"""Who may continue a form session in the portal: its resident, or the guest whose browser
session started it. The journey itself (pages, answers, check answers) is
townhall.eforms.journey; this door only says who may walk it, and where its URLs lead."""

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse

from townhall.eforms.journey import JourneyDoor, journey_session
from townhall.eforms.models import FormSession

GUEST_SESSIONS_KEY = "form_sessions"

PORTAL_DOOR = JourneyDoor(
    page_url=lambda s, page_id: reverse("portal:form_page", args=[s.service.slug, s.pk, page_id]),
    check_url=lambda s: reverse("portal:form_check", args=[s.service.slug, s.pk]),
    done_url=lambda s: reverse("portal:form_done", args=[s.service.slug, s.pk]),
    start_url=lambda s: reverse("portal:service_start", args=[s.service.slug]),
    saved_url=lambda s: reverse("portal:my_account"),
    outcome_url=lambda s, outcome_id: reverse(
        "portal:service_outcome", args=[s.service.slug, outcome_id]
    ),
)


def guest_session_remember(request: HttpRequest, session: FormSession) -> None:
    ids = request.session.get(GUEST_SESSIONS_KEY, [])
    ids = [*ids[-19:], str(session.pk)]
    request.session[GUEST_SESSIONS_KEY] = ids


def form_session_for_request(request: HttpRequest, session_id: Any, slug: str) -> FormSession:
    """The form session if this person may use it; 404 otherwise (never reveal others')."""
    session = journey_session(session_id, slug)
    if session is None:
        raise Http404
    user = request.user
    if session.raised_by_id is not None:
        allowed = user.is_authenticated and session.raised_by_id == user.pk
    elif session.user_id is not None:
        allowed = user.is_authenticated and session.user_id == user.pk
    else:
        allowed = str(session.pk) in request.session.get(GUEST_SESSIONS_KEY, [])
    if not allowed:
        raise Http404
    return session
