"""Session idle and absolute timeouts.

The page warns before the idle limit and lets the person extend (WCAG 2.2.1); the absolute
limit ends a session however active it is. Staff, who can read every resident's personal data,
are signed out after a shorter idle time (STAFF_SESSION_IDLE_TIMEOUT) than residents.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from townhall.accounts.permissions import can_use_staff_desk

SESSION_STARTED = "th_started"
SESSION_LAST_SEEN = "th_last_seen"
LAST_SEEN_RESOLUTION = 30  # seconds; small against a 15-minute idle limit


def session_idle_timeout(user: Any) -> int:
    """Seconds of inactivity after which this person's session ends."""
    if can_use_staff_desk(user):
        return settings.STAFF_SESSION_IDLE_TIMEOUT
    return settings.SESSION_IDLE_TIMEOUT


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            limit = session_idle_timeout(request.user)
            # Read by the page's timeout warning (core's context processor).
            request.session_idle_timeout = limit  # type: ignore[attr-defined]
            idle = now - last_seen > limit
            too_old = now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or too_old:
                logout(request)
                request.session["th_timed_out"] = True
            else:
                if SESSION_STARTED not in request.session:
                    request.session[SESSION_STARTED] = started
                # The session-status poll must not count as activity. Activity is recorded at
                # most every LAST_SEEN_RESOLUTION seconds, so most requests write no session.
                if not request.path.endswith("/session/status/") and (
                    SESSION_LAST_SEEN not in request.session
                    or now - last_seen >= LAST_SEEN_RESOLUTION
                ):
                    request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class AccountLanguageMiddleware:
    """A signed-in resident's chosen language (their account's) when this visit has not chosen
    one with the switch (no language cookie): so Welsh follows them to a new device. A choice
    made in this visit wins; the switch saves it on the account too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
