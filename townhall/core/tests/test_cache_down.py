"""Redis down (here: a port nobody listens on) is a cache miss: pages are served, partner rate
limits fail open, /readyz says the cache is unavailable."""

import logging

import pytest
from django.core.cache import cache

from townhall.core.cache import CacheUnavailable
from townhall.core.ratelimit import rate_wait
from townhall.core.tests.partners import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "townhall.core.cache.ClientReusingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_every_cache_call_is_a_miss_and_the_outage_is_logged_once(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="townhall.cache"):
        assert cache.get("k", "default") == "default"
        cache.set("k", 1)
        assert cache.get("k") is None
        assert cache.add("k", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.get_or_set("k", 5) == 5
        with pytest.raises(CacheUnavailable, match="unreachable"):
            cache.incr("k")
        cache.delete("k")
    [logged] = [r.getMessage() for r in caplog.records]
    assert logged.startswith("cache: Redis unreachable (")


def test_partner_rate_limits_fail_open_while_redis_is_down(redis_down):
    assert all(rate_wait("open311:key", "client-1", limit=1) == 0 for _ in range(5))


def test_pages_are_served_and_readyz_names_the_cache(redis_down, client):
    assert client.get("/").status_code == 200
    assert client.get("/services/").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["cache"] == "unavailable" and body["database"] == "ok"
    assert "the cache (Redis) does not answer" in body["problems"]
