import pytest

from townhall.cases.models import Case
from townhall.open311.tests.factories import BASE, KEY, good_report, make_open311_world

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


def test_a_keyed_client_is_limited_by_its_key_not_by_the_address_it_shares(client, settings):
    from townhall.open311.tests.factories import make_client

    make_open311_world()
    make_client(name="Another council's app", key="other-key")
    settings.OPEN311_RATE_PER_KEY = 3
    settings.OPEN311_RATE_PER_IP = 2
    shared = {"REMOTE_ADDR": "192.0.2.10"}
    for _ in range(3):  # over the address limit, within the key's
        assert client.get(BASE + "services.json", {"api_key": KEY}, **shared).status_code == 200
    over = client.get(BASE + "services.json", {"api_key": KEY}, **shared)
    assert over.status_code == 429
    assert int(over["Retry-After"]) > 0
    # Another client behind the same address has its own allowance.
    other = client.get(BASE + "services.json", {"api_key": "other-key"}, **shared)
    assert other.status_code == 200


def test_posts_with_a_wrong_key_are_counted_by_address_and_wait_with_retry_after(client, settings):
    make_open311_world()
    settings.OPEN311_RATE_PER_IP = 2
    for _ in range(2):
        refused = client.post(BASE + "requests.json", good_report(api_key="wrong"))
        assert refused.status_code == 403
    response = client.post(BASE + "requests.json", good_report(api_key="wrong"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Case.objects.count() == 0


def test_a_post_over_the_key_limit_says_when_to_retry(client, settings):
    make_open311_world()
    settings.OPEN311_RATE_PER_KEY = 1
    client.post(BASE + "requests.json", good_report(description="first"))
    response = client.post(BASE + "requests.json", good_report(description="second"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_kept_reads_still_count_against_the_address_and_say_when_to_retry(client, settings):
    settings.PAGE_CACHE_SECONDS = 600  # served by core/pagecache.py, above the views
    settings.OPEN311_RATE_PER_IP = 4
    for _ in range(3):
        assert client.get(BASE + "services.json").status_code == 200
    assert client.get(BASE + "services.json").has_header("ETag")  # the kept answer
    response = client.get(BASE + "services.xml")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/xml")
