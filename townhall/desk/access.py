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
from townhall.accounts.permissions import (
    Someone,
    can_administer,
    can_design_services,
    can_use_staff_desk,
)
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
        if not can_use_staff_desk(user):
            return render(request, "desk/forbidden.html", status=403)
        # Password alone is not enough for staff who have (or must have) an authenticator app.
        step = staff_second_factor_needed(request)
        if step:
            name = "accounts:two_factor_verify" if step == "verify" else "accounts:two_factor_setup"
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped


def staff_permission_required(
    can: Callable[[Someone], bool],
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Like staff_required, and then only staff for whom `can` (a predicate of
    accounts.permissions) holds; others get the 403 page."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @staff_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if not can(request.user):
                return render(request, "desk/forbidden.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# The process designer's pages.
designer_required = staff_permission_required(can_design_services)
# The integrations pages, Open311 clients and the audit trail.
administrator_required = staff_permission_required(can_administer)
