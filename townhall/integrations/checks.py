"""Secrets of the partners the integrations layer talks to: GOV.UK Pay and GOV.UK Notify
(settings, checked when the integration is on) and partner endpoints (rows, checked in
production). A forged Pay webhook or Notify receipt needs only the secret, so a public demo
value or an empty one is as good as none. See townhall.core.checks for when these hold."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from townhall.core.checks import demo_secrets_allowed, secret_error
from townhall.integrations.models import PartnerEndpoint

# Shorter shared secrets than this are guessable offline from one signed message.
PARTNER_SECRET_MIN_LENGTH = 32


def _setting_problem(name: str, public: set[str]) -> str:
    value = getattr(settings, name, "") or ""
    if not value.strip():
        return "is empty"
    if value in public:
        return "is still the public demo value"
    return ""


@register(Tags.security)
def pay_secrets_are_private(app_configs, **kwargs) -> list[Error]:
    if demo_secrets_allowed() or not settings.PAY_BASE_URL:
        return []  # Pay is off: PAY_BASE_URL is empty outside the demo until it is set
    public = {settings.PAY_SANDBOX_API_KEY, settings.PAY_SANDBOX_WEBHOOK_SECRET}
    hints = {
        "PAY_API_KEY": "Set PAY_API_KEY to the live API key from GOV.UK Pay's admin tool.",
        "PAY_WEBHOOK_SECRET": "Set PAY_WEBHOOK_SECRET to the webhook signing secret GOV.UK "
        "Pay shows for this service's webhook.",
    }
    errors = []
    for name, hint in hints.items():
        if problem := _setting_problem(name, public):
            errors.append(
                secret_error(name, f"{problem} while PAY_BASE_URL is set", hint, "townhall.E111")
            )
    return errors


@register(Tags.security)
def notify_secrets_are_private(app_configs, **kwargs) -> list[Error]:
    if demo_secrets_allowed() or settings.NOTIFY_CHANNEL != "govuk_notify":
        return []
    hints = {
        "NOTIFY_API_KEY": "Set NOTIFY_API_KEY to a live key from GOV.UK Notify's API "
        "integration page.",
        "NOTIFY_CALLBACK_TOKEN": "Set NOTIFY_CALLBACK_TOKEN to a long random token and give "
        "the same one to Notify's callback settings.",
    }
    errors = []
    for name, hint in hints.items():
        if problem := _setting_problem(name, set()):
            errors.append(
                secret_error(
                    name, f"{problem} while NOTIFY_CHANNEL is govuk_notify", hint, "townhall.E112"
                )
            )
    return errors


@register(Tags.security)
def partner_secrets_are_private(app_configs, **kwargs) -> list[Error]:
    # Rows, not settings: a local database may hold the demo's partners, so only production
    # (HTTPS on, not the demo) is held to it.
    if demo_secrets_allowed() or not settings.HTTPS:
        return []

    try:
        weak = [
            endpoint
            for endpoint in PartnerEndpoint.objects.filter(enabled=True).only("name", "secret")
            if len(endpoint.secret.strip()) < PARTNER_SECRET_MIN_LENGTH
        ]
    except DatabaseError:
        return []  # not migrated yet: no partners to check
    return [
        Error(
            f"Partner '{endpoint.name}' has a signing secret shorter than "
            f"{PARTNER_SECRET_MIN_LENGTH} characters.",
            hint="Give the partner a new random secret (at least 32 characters) on both sides, "
            "or disable it.",
            obj=endpoint,
            id="townhall.E113",
        )
        for endpoint in weak
    ]
