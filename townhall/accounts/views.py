"""The residents' account door: thin views over `townhall.accounts.services`."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.accounts import services
from townhall.accounts.forms import (
    DetailsForm,
    EmailOnlyForm,
    PreferencesForm,
    RegisterForm,
    SetPasswordForm,
    SignInForm,
)
from townhall.accounts.middleware import (
    SESSION_LAST_SEEN,
    SESSION_STARTED,
    session_idle_timeout,
)
from townhall.accounts.models import User
from townhall.accounts.sign_in import SignInRefused, SignInThrottled, sign_in_password_check

TIMED_OUT = "th_timed_out"
# The address a "check your email" page mentions; kept in the session, never in the URL.
SENT_TO = "th_sent_to"

BAD_CREDENTIALS = gettext_lazy(
    "Enter the email address and password for your account. If you have forgotten your "
    "password, you can reset it"
)


def _page(request: HttpRequest, template: str, form=None, **context) -> HttpResponse:
    context["form"] = form
    context["form_has_errors"] = bool(form is not None and form.errors)
    return render(request, f"accounts/{template}.html", context)


def _safe_next(request: HttpRequest) -> str:
    """The `next` address if it stays on this site, else an empty string."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # only for views behind login_required
        raise PermissionDenied("Sign in first")
    return user


def _home_for(user: User) -> str:
    return reverse("desk:home") if user.is_council_staff else reverse("portal:my_account")


def _session_start(request: HttpRequest, user: User) -> HttpResponseRedirect:
    """Log in (Django's login() gives the session a new key) and start the timeout clocks."""
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now
    request.session.pop(TIMED_OUT, None)
    return redirect(_safe_next(request) or _home_for(user))


# Sign in and sign out ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request) or _home_for(request.user))
    form = SignInForm(request.POST or None)
    throttled = False
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in_password_check(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except SignInThrottled as refusal:
            throttled = True
            form.add_error(
                "email",
                ngettext(
                    "Too many attempts. Try again in %(count)s minute, "
                    "or sign in with a link by email",
                    "Too many attempts. Try again in %(count)s minutes, "
                    "or sign in with a link by email",
                    refusal.minutes,
                )
                % {"count": refusal.minutes},
            )
        except SignInRefused:
            # On the email field, so the message shows next to the form as well as above it.
            form.add_error("email", BAD_CREDENTIALS)
        else:
            return _session_start(request, user)
    timed_out = request.session.pop(TIMED_OUT, False) if request.method == "GET" else False
    return _page(
        request,
        "sign_in",
        form,
        next=_safe_next(request),
        timed_out=timed_out,
        throttled=throttled,
    )


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm; only a POST signs out, so a link or image cannot do it."""
    if request.method == "POST":
        was_signed_in = request.user.is_authenticated
        logout(request)
        if was_signed_in:
            messages.success(request, _("You have signed out"))
        return redirect("portal:home")
    if not request.user.is_authenticated:
        return redirect("portal:home")
    return _page(request, "sign_out")


# Registration and email verification -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_home_for(request.user))
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_register(
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            phone=form.cleaned_data["phone"],
        )
        # The same next page whether or not the address was already registered.
        request.session[SENT_TO] = form.cleaned_data["email"]
        return redirect("accounts:register_check_email")
    return _page(request, "register", form)


@require_GET
def register_check_email(request: HttpRequest) -> HttpResponse:
    return _page(request, "register_check_email", sent_to=request.session.get(SENT_TO, ""))


@require_GET
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    user = services.user_verify_email(token=token)
    return _page(request, "verify_email", verified_user=user)


@login_required
@require_POST
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    services.user_verification_send(user=user)
    request.session[SENT_TO] = user.email
    return redirect("accounts:register_check_email")


# Magic links ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def magic_link_request(request: HttpRequest) -> HttpResponse:
    form = EmailOnlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.magic_link_send(email=form.cleaned_data["email"])
        request.session[SENT_TO] = form.cleaned_data["email"]
        return redirect("accounts:magic_link_sent")
    return _page(request, "magic_link_request", form)


@require_GET
def magic_link_sent(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "magic_link_sent",
        sent_to=request.session.get(SENT_TO, ""),
        minutes=settings.MAGIC_LINK_MAX_AGE // 60,
    )


@require_http_methods(["GET", "POST"])
def magic_link_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners that open links must not use up the link."""
    if request.method == "POST":
        user = services.magic_link_use(token=token, request=request)
        if user is not None:
            return _session_start(request, user)
        valid = False
    else:
        valid = services.magic_link_check(token=token) is not None
    return _page(request, "magic_link_sign_in", valid=valid)


# Password reset ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailOnlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_send(email=form.cleaned_data["email"])
        request.session[SENT_TO] = form.cleaned_data["email"]
        return redirect("accounts:password_reset_sent")
    return _page(request, "password_reset", form)


@require_GET
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return _page(request, "password_reset_sent", sent_to=request.session.get(SENT_TO, ""))


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = services.password_reset_check(uidb64=uidb64, token=token)
    if user is None:
        return _page(request, "password_reset_confirm", valid=False)
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.user_password_set(
            user=user, password=form.cleaned_data["password"], request=request
        )
        return redirect("accounts:password_reset_complete")
    return _page(request, "password_reset_confirm", form, valid=True, email=user.email)


@require_GET
def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return _page(request, "password_reset_complete")


# Session timeout warning -------------------------------------------------------------------


def _seconds_left(request: HttpRequest) -> int:
    now = int(time.time())
    last_seen = request.session.get(SESSION_LAST_SEEN, now)
    started = request.session.get(SESSION_STARTED, now)
    idle_left = session_idle_timeout(request.user) - (now - last_seen)
    absolute_left = settings.SESSION_ABSOLUTE_TIMEOUT - (now - started)
    return max(0, min(idle_left, absolute_left))


@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds before the session ends; polling this is not activity (see the middleware)."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0})
    return JsonResponse({"signed_in": True, "seconds_left": _seconds_left(request)})


@require_POST
def session_extend(request: HttpRequest) -> JsonResponse:
    """Restart the idle clock (the "Stay signed in" button). CSRF-protected like any POST."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    request.session[SESSION_LAST_SEEN] = int(time.time())
    return JsonResponse({"signed_in": True, "seconds_left": _seconds_left(request)})


# Your details and contact preferences ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    initial = {
        "notify_by_email": user.notify_by_email,
        "notify_by_sms": user.notify_by_sms,
        "phone": user.phone,
        "address_line": user.address_line,
        "postcode": user.postcode,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_preferences_update(user=user, **form.cleaned_data)
        messages.success(request, _("Your contact preferences have been saved"))
        return redirect("accounts:preferences")
    return _page(request, "preferences", form)


@login_required
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    form = DetailsForm(request.POST or None, initial={"full_name": user.full_name})
    if request.method == "POST" and form.is_valid():
        services.user_details_update(user=user, full_name=form.cleaned_data["full_name"])
        messages.success(request, _("Your details have been saved"))
        return redirect("accounts:preferences")
    return _page(request, "details", form)
