"""The desk's door: signed-in council staff only."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from townhall.accounts.models import User
from townhall.accounts.two_factor import staff_second_factor_needed


class StaffRequest(HttpRequest):
    """What a view behind staff_required receives: a signed-in member of staff."""

    user: User
    personal_data: bool  # read by core's NoStoreForPersonalDataMiddleware


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Send anyone signed out to sign in (coming back afterwards); refuse residents with a
    403 page. Which cases a member of staff may see is decided by cases.permissions."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:sign_in"))
        if not (user.is_council_staff or user.is_superuser):
            return render(request, "desk/forbidden.html", status=403)
        # Password alone is not enough for staff who have (or must have) an authenticator app.
        step = staff_second_factor_needed(request)
        if step:
            name = "accounts:two_factor_verify" if step == "verify" else "accounts:two_factor_setup"
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped


def roles_required(
    *roles: str,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Like staff_required, and then only staff with one of `roles` (or superusers); others
    get the 403 page."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @staff_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            user = request.user
            if not (user.is_superuser or getattr(user, "role", None) in roles):
                return render(request, "desk/forbidden.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
