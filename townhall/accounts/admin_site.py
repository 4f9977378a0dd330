"""The Django admin behind the same door as the staff desk.

Django's admin has its own password form: no second factor and no throttle, so anyone with a
stolen or guessed staff password could walk around the desk's defences. Rather than switch the
admin off (administrators still use it for the few models it shows), it is django-otp's
OTPAdminSite with its password form taken away: signing in happens only at the one sign-in page
(per-account and per-IP waits), then the TOTP step the desk uses; the admin admits a member of
staff only once that step is done, on the same rule as the desk (a code is required of
everyone with an authenticator app, and of all staff where STAFF_2FA_REQUIRED is on).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.admin import OTPAdminSite

from townhall.accounts.two_factor import staff_second_factor_needed, totp_device_confirmed


class TownhallAdminSite(OTPAdminSite):
    site_header = "Townhall administration"

    def __init__(self, name: str = "admin") -> None:
        # Named "admin" (not django-otp's "otpadmin") so admin:... URLs keep working.
        super().__init__(name)

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if settings.STAFF_2FA_REQUIRED or totp_device_confirmed(user) is not None:  # type: ignore[arg-type]
            return super().has_permission(request)  # OTPAdminSite: verified by a TOTP device
        return AdminSite.has_permission(self, request)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """No password form here: send people to the desk's sign-in and second factor, then
        back to where they were going in the admin."""
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(target, reverse("accounts:sign_in"))
        step = staff_second_factor_needed(request)
        if step:
            return redirect(
                f"{reverse(f'accounts:two_factor_{step}')}?{urlencode({'next': target})}"
            )
        if self.has_permission(request):
            return redirect(target)
        raise PermissionDenied(
            "Your account cannot use the Django admin. Ask a system administrator if you need to."
        )
