"""Session idle and absolute timeouts.

The page warns before the idle limit and lets the person extend (WCAG 2.2.1); the absolute
limit ends a session however active it is.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SESSION_STARTED = "th_started"
SESSION_LAST_SEEN = "th_last_seen"
LAST_SEEN_RESOLUTION = 30  # seconds; small against a 30-minute idle limit


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
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
