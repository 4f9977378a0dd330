"""`check --deploy` names the secret a service hands reports on with when it is not set."""

import pytest

from townhall.catalogue.checks import hand_on_secrets_are_set
from townhall.catalogue.models import Service
from townhall.portal.tests.fixtures import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.DEMO = False
    settings.TESTING = False
    settings.HTTPS = True


@pytest.fixture
def county_service() -> Service:
    service = make_service()
    service.hand_on = {
        "responsible": "Kent County Council",
        "method": "open311",
        "endpoint": "https://county.example/open311/v2",
        "service_code": "POTHOLE",
        "api_key_secret": "KENT_OPEN311_API_KEY",
    }
    service.save()
    return service


def test_an_unset_county_key_is_named_in_production(production, county_service, monkeypatch):
    monkeypatch.delenv("KENT_OPEN311_API_KEY", raising=False)
    [error] = hand_on_secrets_are_set(None)
    assert error.msg.startswith("KENT_OPEN311_API_KEY is empty while service 'report-fly-tipping'")
    monkeypatch.setenv("KENT_OPEN311_API_KEY", "demo-county-key")
    [error] = hand_on_secrets_are_set(None)
    assert "public demo value" in error.msg
    monkeypatch.setenv("KENT_OPEN311_API_KEY", "a-real-key-from-the-county")
    assert hand_on_secrets_are_set(None) == []


def test_the_demo_and_tests_are_not_held_to_it(county_service, monkeypatch):
    monkeypatch.delenv("KENT_OPEN311_API_KEY", raising=False)
    assert hand_on_secrets_are_set(None) == []
