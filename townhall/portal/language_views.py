"""The "Cymraeg" / "English" switch on every portal page (issue 20).

A link, as GOV.UK's language toggle is, so it works without JavaScript: it keeps the choice in
the language cookie for the visit and, for a signed-in person, on their account, then sends
them back to the page they were on. URLs are the same in both languages (ADR 0017)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from townhall.accounts.services import user_language_set
from townhall.core.languages import Language


@require_GET
def language_switch(request: HttpRequest, language: str) -> HttpResponse:
    if language not in Language.values:
        raise Http404("No such language")
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("portal:home")
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)  # type: ignore[arg-type]
    response = HttpResponseRedirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",  # sent on a link followed from elsewhere, never on a cross-site POST
    )
    return response
