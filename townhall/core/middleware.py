from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


def mark_personal(request: HttpRequest) -> None:
    """Say that this response shows personal data, so no cache may keep it."""
    setattr(request, "personal_data", True)  # noqa: B010  (HttpRequest has no such field)


class NoStoreForPersonalDataMiddleware:
    """Pages shown to a signed-in person, or marked personal, must not be cached anywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        personal = getattr(request, "personal_data", False) or (
            hasattr(request, "user") and request.user.is_authenticated
        )
        if personal and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


class RequestSizeLimitMiddleware:
    """Refuse bodies larger than the most a form may send, before anything reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.shortcuts import render

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.UPLOAD_MAX_BYTES * settings.UPLOAD_MAX_FILES + 1024 * 1024
        if length > limit:
            # Refused before LocaleMiddleware runs: the page speaks the visitor's language
            # (their cookie, else their browser's) all the same.
            language = translation.get_language_from_request(request)
            with translation.override(language):
                response = render(
                    request,
                    "413.html",
                    {
                        "file_limit_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
                        "max_files": settings.UPLOAD_MAX_FILES,
                    },
                    status=413,
                )
            response.headers.setdefault("Content-Language", language)
            return response
        return self.get_response(request)
