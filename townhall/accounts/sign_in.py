"""Signing in with a password: every attempt recorded, and throttling that slows guessing by
account and by address without locking a resident out for good.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from townhall.accounts.models import SignInAttempt, User
from townhall.core.audit import audit_record
from townhall.core.client_address import client_ip


def email_normalise(email: str) -> str:
    """An email address as accounts store and compare it: trimmed, lower case."""
    return (email or "").strip().lower()


class SignInRefused(Exception):
    """The email and password did not match an active account."""


class SignInThrottled(Exception):
    """Too many recent failures for this email or this IP address."""

    def __init__(self, retry_after: timedelta):
        super().__init__(retry_after)
        self.retry_after = retry_after

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


# Sign-in attempts and throttling -------------------------------------------------------------


def _wait_left(failures: QuerySet[SignInAttempt], limit: int) -> timedelta | None:
    """Time left to wait when `limit` or more failures fell within the window before the last
    one: the first wait is short and each further failure doubles it, up to the maximum, so a
    resident who mistypes is slowed for a minute and a guesser for a quarter of an hour a try."""
    now = timezone.now()
    window = settings.LOGIN_THROTTLE_WINDOW
    max_wait = settings.LOGIN_THROTTLE_MAX_WAIT
    # Enough rows to reach the maximum wait; more would not make it longer.
    doublings = max(0, math.ceil(math.log2(max_wait / settings.LOGIN_THROTTLE_FIRST_WAIT)))
    recent = list(
        failures.filter(at__gte=now - window - max_wait)
        .order_by("-at")
        .values_list("at", flat=True)[: limit + doublings + 1]
    )
    if not recent:
        return None
    latest = recent[0]
    count = sum(1 for at in recent if at >= latest - window)
    if count < limit:
        return None
    wait = min(settings.LOGIN_THROTTLE_FIRST_WAIT * 2 ** (count - limit), max_wait)
    until = latest + wait
    return until - now if until > now else None


def sign_in_throttled(*, email: str, ip_address: str | None) -> timedelta | None:
    """How long this account (email) or IP address must wait before trying a password again,
    or None. The two are counted apart: residents behind one proxy each have their own
    account's count, and a guesser trying many accounts from one address meets the IP's."""
    waits = [
        _wait_left(
            SignInAttempt.objects.filter(email=email_normalise(email)),
            settings.LOGIN_THROTTLE_FAILURES,
        )
    ]
    if ip_address:
        waits.append(
            _wait_left(
                SignInAttempt.objects.filter(ip_address=ip_address),
                settings.LOGIN_THROTTLE_IP_FAILURES,
            )
        )
    found = [wait for wait in waits if wait is not None]
    return max(found) if found else None


def sign_in_attempt_record(
    *,
    email: str,
    succeeded: bool,
    user: User | None = None,
    method: str = "password",
    request: HttpRequest | None = None,
    reason: str = "",
) -> None:
    """Audit a sign-in or a failure; a failure counts towards the cool-off, a success clears
    that address's failures."""
    email = email_normalise(email)
    detail = {"method": method}
    if not succeeded:
        detail["email"] = email[:254]
    if reason:
        detail["reason"] = reason
    with transaction.atomic():
        if succeeded:
            SignInAttempt.objects.filter(email=email).delete()
        elif reason != "throttled":
            # Refused attempts during a cool-off are not counted, so the wait never grows.
            SignInAttempt.objects.create(email=email[:254], ip_address=client_ip(request))
        audit_record(
            action="sign_in" if succeeded else "sign_in_failed",
            object_type="user",
            object_id=user.pk if user else "",
            actor=user if succeeded else None,
            subject_user_id=user.pk if user else None,
            request=request,
            detail=detail,
        )


def sign_in_password_check(*, request: HttpRequest, email: str, password: str) -> User:
    """Check an email and password, applying the cool-off, and record the outcome.

    Returns the user for the caller to log in; raises SignInThrottled or SignInRefused.
    """
    email = email_normalise(email)
    wait = sign_in_throttled(email=email, ip_address=client_ip(request))
    if wait is not None:
        sign_in_attempt_record(email=email, succeeded=False, request=request, reason="throttled")
        raise SignInThrottled(wait)
    user = authenticate(request, username=email, password=password)
    if user is None:
        known = User.objects.filter(email__iexact=email).first()
        sign_in_attempt_record(email=email, succeeded=False, user=known, request=request)
        wait = sign_in_throttled(email=email, ip_address=client_ip(request))
        if wait is not None:
            raise SignInThrottled(wait)
        raise SignInRefused
    sign_in_attempt_record(email=email, succeeded=True, user=user, request=request)
    return user
