import secrets

import pytest
from django.core.checks import Tags, run_checks

from townhall.demo.open311 import demo_open311_client_load
from townhall.open311.clients import api_client_revoke
from townhall.open311.models import ApiClient


def _errors() -> list[str]:
    return [m.msg for m in run_checks(tags=[Tags.security]) if m.id == "townhall.E131"]


@pytest.mark.django_db
def test_an_active_client_with_the_demo_key_is_refused_in_production(settings):
    settings.DEMO = settings.TESTING = False
    settings.HTTPS = True
    settings.SECRET_KEY = secrets.token_urlsafe(48)
    demo_open311_client_load()

    assert _errors() == ["Open311 client 'Demo Open311 client' has the demo's public API key."]
    api_client_revoke(client=ApiClient.objects.get())
    assert _errors() == []
