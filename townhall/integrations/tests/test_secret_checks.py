"""Partners' secrets are refused at start-up in production when public or empty."""

import secrets

import pytest
from django.core.checks import Tags, run_checks

from townhall.integrations.models import PartnerEndpoint

PAY_URL = "https://publicapi.payments.service.gov.uk"


def _errors(check_id: str) -> list[str]:
    return [m.msg for m in run_checks(tags=[Tags.security]) if m.id == check_id]


@pytest.fixture
def production(production_settings):
    return production_settings


@pytest.mark.django_db
def test_pay_secrets_at_the_sandbox_values_are_named(production):
    production.PAY_BASE_URL = PAY_URL
    production.PAY_API_KEY = production.PAY_SANDBOX_API_KEY
    production.PAY_WEBHOOK_SECRET = production.PAY_SANDBOX_WEBHOOK_SECRET

    assert _errors("townhall.E111") == [
        "PAY_API_KEY is still the public demo value while PAY_BASE_URL is set.",
        "PAY_WEBHOOK_SECRET is still the public demo value while PAY_BASE_URL is set.",
    ]


@pytest.mark.django_db
def test_pay_off_needs_no_pay_secrets(production):
    production.PAY_API_KEY = production.PAY_WEBHOOK_SECRET = ""

    assert _errors("townhall.E111") == []


@pytest.mark.django_db
def test_pay_with_its_own_secrets_passes(production):
    production.PAY_BASE_URL = PAY_URL
    production.PAY_API_KEY = "api_live_" + secrets.token_urlsafe(30)
    production.PAY_WEBHOOK_SECRET = "  " + secrets.token_urlsafe(30)

    assert _errors("townhall.E111") == []


@pytest.mark.django_db
def test_notify_without_its_key_or_callback_token_is_named(production):
    production.NOTIFY_CHANNEL = "govuk_notify"
    production.NOTIFY_API_KEY = "live-" + secrets.token_hex(36)
    production.NOTIFY_CALLBACK_TOKEN = "   "

    assert _errors("townhall.E112") == [
        "NOTIFY_CALLBACK_TOKEN is empty while NOTIFY_CHANNEL is govuk_notify."
    ]


@pytest.mark.django_db
def test_the_demo_and_tests_may_keep_the_sandbox_secrets(settings):
    settings.DEMO, settings.TESTING, settings.HTTPS = True, False, True
    settings.PAY_BASE_URL = "http://127.0.0.1:8020"
    settings.PAY_API_KEY = settings.PAY_SANDBOX_API_KEY
    settings.NOTIFY_CHANNEL, settings.NOTIFY_API_KEY = "govuk_notify", ""

    assert [m for m in run_checks(tags=[Tags.security]) if m.is_serious()] == []


@pytest.mark.django_db
def test_an_enabled_partner_with_a_short_secret_is_named_in_production(production):
    PartnerEndpoint.objects.create(name="weak", title="Weak", secret="letmein")
    PartnerEndpoint.objects.create(name="off", title="Off", secret="", enabled=False)
    PartnerEndpoint.objects.create(name="good", title="Good", secret=secrets.token_urlsafe(32))

    assert _errors("townhall.E113") == [
        "Partner 'weak' has a signing secret shorter than 32 characters."
    ]
    production.HTTPS = False  # a local database may hold anything
    assert _errors("townhall.E113") == []
