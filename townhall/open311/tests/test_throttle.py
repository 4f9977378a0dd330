import pytest

from townhall.cases.models import Case
from townhall.open311.tests.factories import BASE, good_report, make_open311_world

pytestmark = pytest.mark.django_db


def test_an_address_over_its_limit_waits_with_a_spec_shaped_429(client, settings):
    settings.OPEN311_RATE_PER_IP = 3
    for _ in range(3):
        assert client.get(BASE + "services.json").status_code == 200
    response = client.get(BASE + "services.json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()[0]["code"] == 429


def test_a_client_over_its_post_limit_waits_and_nothing_is_stored(client, settings):
    make_open311_world()
    settings.OPEN311_RATE_PER_KEY = 2
    for n in range(2):
        assert (
            client.post(BASE + "requests.json", good_report(description=f"{n}")).status_code == 200
        )
    response = client.post(BASE + "requests.json", good_report(description="third"))
    assert response.status_code == 429
    assert Case.objects.count() == 2


def test_a_made_up_forwarded_for_does_not_escape_the_address_limit(client, settings):
    settings.OPEN311_RATE_PER_IP = 3
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    for n in range(3):  # one real address claiming to be a new one each time
        client.get(
            BASE + "services.json", REMOTE_ADDR="192.0.2.66", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        )

    response = client.get(
        BASE + "services.json", REMOTE_ADDR="192.0.2.66", HTTP_X_FORWARDED_FOR="198.51.100.9"
    )

    assert response.status_code == 429


def test_clients_behind_a_trusted_proxy_each_have_their_own_address_limit(client, settings):
    settings.OPEN311_RATE_PER_IP = 3
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    for _ in range(3):
        client.get(
            BASE + "services.json", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1"
        )

    same = client.get(
        BASE + "services.json", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    other = client.get(
        BASE + "services.json", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.2"
    )

    assert (same.status_code, other.status_code) == (429, 200)
