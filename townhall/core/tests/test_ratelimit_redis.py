"""Rate-limit windows counted in a real Redis: one round trip a hit, and the window's counter
expires with the window (skipped when no Redis answers on 127.0.0.1:6379)."""

import socket
import uuid

import pytest
from django.core.cache import cache

from townhall.core.ratelimit import WINDOW_SECONDS, rate_wait


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.2).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "townhall.core.cache.ClientReusingRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/12",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }


def test_a_window_counts_each_hit_then_asks_to_wait_until_it_ends(redis_cache):
    ident = uuid.uuid4().hex
    assert [rate_wait("test", ident, limit=2) for _ in range(2)] == [0, 0]
    wait = rate_wait("test", ident, limit=2)
    assert 0 < wait <= WINDOW_SECONDS
    # Another identity has its own count.
    assert rate_wait("test", uuid.uuid4().hex, limit=2) == 0


def test_a_windows_counter_expires_after_the_window(redis_cache):
    ident = uuid.uuid4().hex
    rate_wait("test", ident, limit=5)
    [key] = list(cache._cache.get_client().keys(f"*rate:test:{ident}:*"))
    ttl = cache._cache.get_client().ttl(key)
    assert 0 < ttl <= WINDOW_SECONDS + 5
