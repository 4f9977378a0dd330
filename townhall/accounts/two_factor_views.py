"""Setting up and entering the second factor (staff)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from townhall.accounts.permissions import can_use_staff_desk
from townhall.accounts.two_factor import (
    CodeRefused,
    staff_second_factor_needed,
    totp_code_check,
    totp_device_confirmed,
    totp_device_unconfirmed,
    totp_qr_svg,
    totp_secret_text,
)
from townhall.core.audit import audit_record


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: `next` if it stays on this site, else the desk."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("desk:home")


def _with_next(url_name: str, target: str) -> str:
    # Encoded, so a `next` holding &, # or spaces comes back whole rather than split into
    # other parameters or cut at a fragment.
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


def _signed_in_staff(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(_with_next("accounts:sign_in", request.get_full_path()))
    if not can_use_staff_desk(request.user):
        return redirect("portal:home")
    return None


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), then enter a code to prove it works."""
    refused = _signed_in_staff(request)
    if refused is not None:
        return refused
    if totp_device_confirmed(request.user) is not None:  # type: ignore[arg-type]
        return redirect(_with_next("accounts:two_factor_verify", _next(request)))
    device = totp_device_unconfirmed(request.user)  # type: ignore[arg-type]
    error = ""
    if request.method == "POST":
        try:
            totp_code_check(request, device, request.POST.get("code", ""))
        except CodeRefused as wrong:
            error = str(wrong)
        else:
            audit_record(
                action="two_factor_setup",
                object_type="user",
                object_id=request.user.pk,
                actor=request.user,
                request=request,
            )
            return redirect(_next(request))
    response = render(
        request,
        "accounts/two_factor_setup.html",
        {
            "qr_svg": totp_qr_svg(device),
            "secret": totp_secret_text(device),
            "error": error,
            "next": _next(request),
        },
        status=400 if error else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    refused = _signed_in_staff(request)
    if refused is not None:
        return refused
    needed = staff_second_factor_needed(request)
    if needed == "setup":
        return redirect(_with_next("accounts:two_factor_setup", _next(request)))
    if not needed:
        return redirect(_next(request))
    device = totp_device_confirmed(request.user)  # type: ignore[arg-type]
    if device is None:  # "needed" means there is one; a device removed meanwhile: set up again
        return redirect(_with_next("accounts:two_factor_setup", _next(request)))
    error = ""
    if request.method == "POST":
        try:
            totp_code_check(request, device, request.POST.get("code", ""))
        except CodeRefused as wrong:
            error = str(wrong)
            audit_record(
                action="two_factor_refused",
                object_type="user",
                object_id=request.user.pk,
                actor=request.user,
                request=request,
            )
        else:
            return redirect(_next(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"error": error, "next": _next(request)},
        status=400 if error else 200,
    )
