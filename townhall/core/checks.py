"""System checks for configuration that must be right before Townhall serves anyone.

The secret checks are Django `security` checks that are not deploy-only: `manage.py check
--deploy`, `runserver`, `migrate` and every worker (management commands run them) refuse to
go on, and the WSGI/ASGI entry points run them too (`startup_checks_enforce`), because
gunicorn runs no checks of its own. They hold outside the demo (TOWNHALL_DEMO) and the tests,
whose public sandbox secrets are the point; each app checks the secrets it owns.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register, run_checks
from django.core.exceptions import ImproperlyConfigured

from townhall.core.client_address import trusted_proxy_networks

# Keys Django or Townhall hand out for local use; anyone can read them in the source.
_PUBLIC_KEY_PREFIXES = ("insecure-", "django-insecure-")


def demo_secrets_allowed() -> bool:
    """True in the demo and under the tests, where the public sandbox secrets belong."""
    return bool(settings.DEMO or settings.TESTING)


def secret_error(setting: str, problem: str, hint: str, check_id: str) -> Error:
    """One refused secret, named so the operator knows which variable to set."""
    return Error(f"{setting} {problem}.", hint=hint, id=check_id)


@register(Tags.security)
def secret_key_is_private(app_configs, **kwargs) -> list[Error]:
    # Without TOWNHALL_HTTPS a run is local (no secure cookies), where the settings' stable
    # local key is allowed; production (HTTPS on, not the demo) must bring its own.
    if demo_secrets_allowed() or not settings.HTTPS:
        return []
    key = settings.SECRET_KEY  # never empty here: the settings and Django refuse that first
    hint = "Set SECRET_KEY to at least 50 random characters, kept out of the source."
    if key.startswith(_PUBLIC_KEY_PREFIXES):
        return [secret_error("SECRET_KEY", "is a public local-only key", hint, "townhall.E101")]
    if len(key) < 50 or len(set(key)) < 5:
        return [secret_error("SECRET_KEY", "is too short or too simple", hint, "townhall.E101")]
    return []


@register(Tags.security)
def trusted_proxies_are_addresses(app_configs, **kwargs) -> list[Error]:
    try:
        trusted_proxy_networks(tuple(settings.TRUSTED_PROXIES))
    except ImproperlyConfigured as error:
        return [Error(str(error), id="townhall.E102")]
    return []


def startup_checks_enforce() -> None:
    """Refuse to serve when a security check fails (gunicorn runs no system checks)."""
    errors = [m for m in run_checks(tags=[Tags.security]) if m.is_serious()]
    if errors:
        raise ImproperlyConfigured(
            "Townhall will not start:\n" + "\n".join(f"  {m.msg} {m.hint or ''}" for m in errors)
        )
