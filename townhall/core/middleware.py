from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
