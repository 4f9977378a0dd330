"""Writes for residents' accounts: registration, email links, password reset, preferences
(sign-in attempts and throttling are in `sign_in`).

Every function here is the one door for its change. Emails are queued with
`transaction.on_commit`, so a rolled-back write never sends a link, and they go out through
the email sender registered with `account_email_sender_register` (integrations registers one
that queues `email_deliver` for the worker) with an idempotency key.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext, ngettext

from townhall.accounts.models import SignInAttempt, User
from townhall.accounts.sign_in import email_normalise, sign_in_attempt_record
from townhall.core.audit import audit_record
from townhall.core.hooks import Registry
from townhall.core.languages import Language

VERIFY_SALT = "townhall.accounts.verify-email"
MAGIC_LINK_SALT = "townhall.accounts.magic-link"
# How long an email verification link works; a new one can be sent from the account.
VERIFY_MAX_AGE = 3 * 24 * 60 * 60


@dataclass(frozen=True)
class _Email:
    to: str
    subject: str
    body: str
    key: str


# Sends one email: called with to, subject, body and idempotency_key (keyword arguments).
EmailSender = Callable[..., object]
# Accounts sits below integrations, which delivers email: integrations fills this from its
# AppConfig.ready, so accounts never imports it. One sender: the last registered wins.
ACCOUNT_EMAIL_SENDER: Registry[EmailSender] = Registry("account email sender")
_SENDER = "sender"  # the one name it is registered under, so registering again replaces it


def account_email_sender_register(sender: EmailSender) -> None:
    """Set how account emails (verification and sign-in links, notices) are sent: `sender`
    is called after commit with to, subject, body and idempotency_key. One sender; the last
    registered wins (a test may swap in its own)."""
    ACCOUNT_EMAIL_SENDER.register(sender, name=_SENDER)


def _email_queue(message: _Email) -> None:
    sender = ACCOUNT_EMAIL_SENDER.get(_SENDER)
    if sender is None:
        raise ImproperlyConfigured(
            "No email sender registered: is townhall.integrations installed?"
        )

    def email_send() -> None:
        sender(
            to=message.to,
            subject=message.subject,
            body=message.body,
            idempotency_key=message.key[:120],
        )

    # Sent by the worker after commit; robust: a failure to queue is logged and the person
    # still sees "check your email" and can ask again, instead of an error page.
    transaction.on_commit(email_send, robust=True)


def _own_change_audit(user: User, detail: dict) -> None:
    """Audit a change a person made to their own account."""
    audit_record(
        action="change",
        object_type="user",
        object_id=user.pk,
        actor=user,
        subject_user_id=user.pk,
        detail=detail,
    )


def _absolute(path: str) -> str:
    # SITE_URL, not the Host header: links in emails must not follow a forged host.
    return settings.SITE_URL + path


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _active_user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email_normalise(email), is_active=True).first()


# Registration and email verification -------------------------------------------------------


def _language_of(user: User) -> str:
    """The language to email the person in: the one they chose, else the page's."""
    return user.language or translation.get_language() or Language.ENGLISH


def _verification_email(user: User) -> _Email:
    token = signing.TimestampSigner(salt=VERIFY_SALT).sign(f"{user.pk}:{_digest(user.email)}")
    link = _absolute(reverse("accounts:verify_email", kwargs={"token": token}))
    days = VERIFY_MAX_AGE // (24 * 60 * 60)
    with translation.override(_language_of(user)):
        body = gettext(
            "Dear %(name)s,\n\n"
            "Confirm your email address for your %(council)s account by opening "
            "this link:\n\n%(link)s\n\n"
            "The link works for %(days)s days. If you did not create an account, you can "
            "ignore this email.\n"
        ) % {"name": user.full_name, "council": settings.COUNCIL_NAME, "link": link, "days": days}
        subject = gettext("Confirm your email address")
    return _Email(
        to=user.email,
        subject=subject,
        body=body,
        key=f"accounts:verify:{user.pk}:{_digest(token)}",
    )


def _already_registered_email(user: User) -> _Email:
    sign_in = _absolute(reverse("accounts:sign_in"))
    reset = _absolute(reverse("accounts:password_reset"))
    with translation.override(_language_of(user)):
        body = gettext(
            "Dear %(name)s,\n\n"
            "Someone tried to create a %(council)s account with this email "
            "address, but you already have an account.\n\n"
            "Sign in: %(sign_in)s\n\n"
            "If you have forgotten your password, reset it: %(reset)s\n\n"
            "If this was not you, you do not need to do anything.\n"
        ) % {
            "name": user.full_name,
            "council": settings.COUNCIL_NAME,
            "sign_in": sign_in,
            "reset": reset,
        }
        subject = gettext("You already have an account")
    # One of these an hour at most, so nobody can fill a person's inbox with them.
    hour = timezone.now().strftime("%Y%m%d%H")
    return _Email(
        to=user.email,
        subject=subject,
        body=body,
        key=f"accounts:already-registered:{user.pk}:{hour}",
    )


def user_register(*, full_name: str, email: str, password: str, phone: str = "") -> User | None:
    """Create a resident's account and email a verification link.

    If the email address already has an account, nothing is created and the owner is told by
    email instead, so the response never reveals whether an address is registered. Returns
    the new user, or None when the address was taken.
    """
    email = email_normalise(email)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    full_name=full_name.strip(),
                    phone=phone,
                    role=User.Role.RESIDENT,
                )
                audit_record(
                    action="create",
                    object_type="user",
                    object_id=user.pk,
                    actor=user,
                    subject_user_id=user.pk,
                    detail={"via": "register"},
                )
                _email_queue(_verification_email(user))
            return user
        except IntegrityError:
            # Another request registered the same address a moment ago.
            existing = User.objects.filter(email__iexact=email).first()
            if existing is None:
                raise
    # Hash the password anyway, so the response takes as long as a real registration.
    make_password(password)
    if existing.is_active:
        with transaction.atomic():
            _email_queue(_already_registered_email(existing))
    return None


def user_verification_send(*, user: User) -> None:
    """Email a fresh verification link to a signed-in person who has not confirmed yet."""
    if user.email_verified_at is not None:
        return
    with transaction.atomic():
        _email_queue(_verification_email(user))


def user_verify_email(*, token: str) -> User | None:
    """Mark the email address confirmed if the signed link is genuine and in date.

    The link carries a digest of the address it was sent to, so a link stops working if the
    address changes. Returns the user, or None for a bad or expired link.
    """
    try:
        value = signing.TimestampSigner(salt=VERIFY_SALT).unsign(token, max_age=VERIFY_MAX_AGE)
        pk, email_digest = value.split(":", 1)
    except (signing.BadSignature, ValueError):
        return None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=pk, is_active=True).first()
        if user is None or _digest(user.email) != email_digest:
            return None
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            _own_change_audit(user, {"email_verified": True})
    return user


# Magic links ---------------------------------------------------------------------------------


def _login_state(user: User) -> str:
    """Changes whenever the person signs in or changes password: that makes links single-use."""
    last_login = user.last_login.timestamp() if user.last_login else ""
    state = f"{user.pk}:{last_login}:{user.password}:{user.email}"
    return salted_hmac(MAGIC_LINK_SALT, state).hexdigest()[:24]


def magic_link_send(*, email: str) -> None:
    """Email a single-use sign-in link if an active account has this address.

    Does nothing (and says nothing) when there is no such account.
    """
    user = _active_user_by_email(email)
    if user is None:
        return
    token = signing.TimestampSigner(salt=MAGIC_LINK_SALT).sign(f"{user.pk}:{_login_state(user)}")
    link = _absolute(reverse("accounts:magic_link_sign_in", kwargs={"token": token}))
    minutes = settings.MAGIC_LINK_MAX_AGE // 60
    with translation.override(_language_of(user)):
        body = gettext(
            "Dear %(name)s,\n\n"
            "Use this link to sign in to your %(council)s account:\n\n%(link)s\n\n"
            "The link works once, for %(minutes)s minutes. If you did not ask for it, you can "
            "ignore this email: nobody can sign in without the link.\n"
        ) % {
            "name": user.full_name,
            "council": settings.COUNCIL_NAME,
            "link": link,
            "minutes": minutes,
        }
        subject = gettext("Your sign-in link")
    with transaction.atomic():
        _email_queue(
            _Email(
                to=user.email,
                subject=subject,
                body=body,
                key=f"accounts:magic-link:{user.pk}:{_digest(token)}",
            )
        )


def magic_link_check(*, token: str) -> User | None:
    """The user a magic link signs in, or None if it is forged, expired or already used."""
    try:
        value = signing.TimestampSigner(salt=MAGIC_LINK_SALT).unsign(
            token, max_age=settings.MAGIC_LINK_MAX_AGE
        )
        pk, state = value.split(":", 1)
    except (signing.BadSignature, ValueError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or _login_state(user) != state:
        return None
    return user


def magic_link_use(*, token: str, request: HttpRequest | None = None) -> User | None:
    """Check a magic link and record the sign-in it makes; the caller then calls login().

    Opening the link proves the person reads that mailbox, so it also confirms the address.
    """
    with transaction.atomic():
        user = magic_link_check(token=token)
        if user is None:
            return None
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
        sign_in_attempt_record(
            email=user.email, user=user, succeeded=True, method="magic_link", request=request
        )
    return user


# Password reset ------------------------------------------------------------------------------


def password_reset_send(*, email: str) -> None:
    """Email a password reset link if an active account has this address; else do nothing."""
    user = _active_user_by_email(email)
    if user is None:
        return
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = _absolute(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    )
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))
    with translation.override(_language_of(user)):
        body = ngettext(
            "Dear %(name)s,\n\n"
            "Use this link to choose a new password for your %(council)s "
            "account:\n\n%(link)s\n\n"
            "The link works once, for %(days)s day. If you did not ask "
            "to reset your password, you can ignore this email: your password has not changed.\n",
            "Dear %(name)s,\n\n"
            "Use this link to choose a new password for your %(council)s "
            "account:\n\n%(link)s\n\n"
            "The link works once, for %(days)s days. If you did not ask "
            "to reset your password, you can ignore this email: your password has not changed.\n",
            days,
        ) % {"name": user.full_name, "council": settings.COUNCIL_NAME, "link": link, "days": days}
        subject = gettext("Reset your password")
    with transaction.atomic():
        _email_queue(
            _Email(
                to=user.email,
                subject=subject,
                body=body,
                key=f"accounts:password-reset:{user.pk}:{_digest(token)}",
            )
        )


def password_reset_check(*, uidb64: str, token: str) -> User | None:
    """The user a reset link belongs to, or None if the link is bad, used or expired."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first() if pk.isdigit() else None
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def user_password_set(*, user: User, password: str, request: HttpRequest | None = None) -> None:
    """Set a new (already validated) password; clears failed sign-ins for the address.

    Changing the password also ends the person's other sessions, because Django checks the
    session's password hash on every request.
    """
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        SignInAttempt.objects.filter(email=user.email).delete()
        audit_record(
            action="change",
            object_type="user",
            object_id=user.pk,
            actor=user,
            subject_user_id=user.pk,
            request=request,
            detail={"password": "reset"},
        )


# Details and preferences ---------------------------------------------------------------------


def user_details_update(*, user: User, full_name: str) -> User:
    """Change the name we use for the person."""
    with transaction.atomic():
        user.full_name = full_name.strip()
        user.save(update_fields=["full_name"])
        _own_change_audit(user, {"fields": ["full_name"]})
    return user


def user_preferences_update(
    *,
    user: User,
    notify_by_email: bool,
    notify_by_sms: bool,
    phone: str,
    address_line: str,
    postcode: str,
) -> User:
    """Save how the person wants to hear from the council, and their contact details.

    Text messages need a phone number; the form checks it is a mobile.
    """
    if notify_by_sms and not phone:
        raise ValueError("Text messages need a phone number.")
    fields = ["notify_by_email", "notify_by_sms", "phone", "address_line", "postcode"]
    with transaction.atomic():
        user.notify_by_email = notify_by_email
        user.notify_by_sms = notify_by_sms
        user.phone = phone
        user.address_line = address_line.strip()
        user.postcode = postcode
        user.save(update_fields=fields)
        _own_change_audit(user, {"fields": fields})
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Remember the language the person chose with the portal's switch ("en" or "cy"): their
    pages, when no choice was made in the visit, and the messages we send them use it."""
    if language not in Language.values:
        raise ValueError(f"Unknown language: {language!r}.")
    with transaction.atomic():
        if user.language != language:
            user.language = language
            user.save(update_fields=["language"])
            _own_change_audit(user, {"fields": ["language"]})
    return user
