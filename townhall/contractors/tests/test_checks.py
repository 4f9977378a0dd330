import secrets

import pytest
from django.core.checks import Tags, run_checks

from townhall.demo.contractors import demo_contractors_load
from townhall.integrations import outbound
from townhall.integrations.models import PartnerEndpoint


@pytest.fixture
def production(production_settings, monkeypatch):
    # The contractors' address is checked when saved: let it resolve to a public address.
    monkeypatch.setattr(
        outbound, "_getaddrinfo", lambda host, port: [(2, 1, 6, "", ("93.184.215.14", port))]
    )
    return production_settings


def _errors() -> list[str]:
    return [m.msg for m in run_checks(tags=[Tags.security]) if m.id == "townhall.E121"]


@pytest.mark.django_db
def test_demo_contractors_secrets_and_pull_token_are_refused_in_production(production):
    demo_contractors_load("https://contractor.example.com")

    assert _errors() == [
        "Contractor partner 'bulky_waste_contractor' still has the demo's public signing secret.",
        "Contractor partner 'specialist_clearance' still has the demo's public signing secret.",
        "Contractor partner 'waste_contractor' still has the demo's public signing secret "
        "and pull token.",
    ]


@pytest.mark.django_db
def test_contractors_given_their_own_secrets_pass(production):
    demo_contractors_load("https://contractor.example.com")
    for endpoint in PartnerEndpoint.objects.all():
        endpoint.secret, endpoint.token_hash = secrets.token_urlsafe(32), ""
        endpoint.save()

    assert _errors() == []


@pytest.mark.django_db
def test_the_demo_keeps_its_contractors(production):
    production.DEMO = True
    demo_contractors_load("https://contractor.example.com")

    assert _errors() == []
