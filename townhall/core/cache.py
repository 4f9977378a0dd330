"""Django's Redis cache, keeping one Redis client per connection pool, and serving pages
while Redis is down.

Django builds a new `redis.Redis` for every cache call, and each build copies redis-py's table
of ~170 response callbacks: about a tenth of a millisecond, twice on every signed-in request
(session and user). A client is thread-safe and holds no connection of its own, so one per
pool serves every call.

Everything Townhall keeps in the cache can be rebuilt from the database, so Redis down (or
unreachable) must not take pages down with it: every call then behaves as a miss (a read
finds nothing, a write keeps nothing, `incr` finds no counter), and for a short cool-off the
cache is not even tried, so a page waits for at most one connection timeout per cool-off, not
one per call. The outage is logged once when it starts and once when Redis answers again.

What that means for what counts in the cache: the partner rate limits (Open311 clients,
contractors: `core/ratelimit.py`) fail open while Redis is down, as documented there. Sign-in
throttling counts failures in the database, so it stays closed.
"""

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("townhall.cache")

# Only "cannot reach Redis": a wrong command or a full Redis is still an error to see.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
# After a failed call, calls skip Redis this long (then one tries again).
COOL_OFF_SECONDS = 2.0


class CacheUnavailable(ValueError):
    """Raised by `incr` while Redis is down. A ValueError, as Django raises for a missing
    key, so callers that create a missing counter carry on (and their `add` keeps nothing)."""


class _ClientReusingCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._down_until = 0.0
        self._down_since: float | None = None
        self._lock = threading.Lock()

    def get_client(self, key=None, *, write=False):
        # Both attributes are Django's own (django/core/cache/backends/redis.py), missing from
        # django-stubs.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client

    def _call(self, name: str, miss: Any, *args: Any) -> Any:
        return self._guarded(getattr(super(), name), miss, *args)

    def _guarded(self, call: Any, miss: Any, *args: Any) -> Any:
        if time.monotonic() < self._down_until:
            return miss
        try:
            result = call(*args)
        except UNREACHABLE as error:
            with self._lock:
                self._down_until = time.monotonic() + COOL_OFF_SECONDS
                if self._down_since is None:
                    self._down_since = time.monotonic()
                    log.warning("cache: Redis unreachable (%s); serving without it", error)
            return miss
        if self._down_since is not None:
            with self._lock:
                if self._down_since is not None:
                    log.warning(
                        "cache: Redis is back after %.1f s", time.monotonic() - self._down_since
                    )
                    self._down_since = None
        return result

    def add(self, key, value, timeout):
        return self._call("add", False, key, value, timeout)

    def get(self, key, default):
        return self._call("get", default, key, default)

    def set(self, key, value, timeout):
        return self._call("set", None, key, value, timeout)

    def touch(self, key, timeout):
        return self._call("touch", False, key, timeout)

    def delete(self, key):
        return self._call("delete", False, key)

    def get_many(self, keys):
        return self._call("get_many", {}, keys)

    def has_key(self, key):
        return self._call("has_key", False, key)

    def incr(self, key, delta):
        missing = object()
        result = self._call("incr", missing, key, delta)
        if result is missing:
            raise CacheUnavailable(f"Key {key!r} not found: the cache is unreachable.")
        return result

    def count_hit(self, key, timeout) -> int | None:
        """Add one to a counter, giving it `timeout` seconds when new, in one round trip
        (Django's `incr` takes two and `add` a third): the count, or None while Redis is down."""

        def count() -> int:
            pipe = self.get_client(key, write=True).pipeline(transaction=False)
            pipe.incr(key)
            pipe.expire(key, timeout, nx=True)
            return int(pipe.execute()[0])

        return self._guarded(count, None)

    def set_many(self, data, timeout):
        return self._call("set_many", [], data, timeout)

    def delete_many(self, keys):
        return self._call("delete_many", None, keys)

    def clear(self):
        return self._call("clear", False)

    def reachable(self) -> bool:
        """Whether Redis answers a PING now (for /readyz)."""
        try:
            return bool(self.get_client(write=True).ping())
        except UNREACHABLE:
            return False


class ClientReusingRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ClientReusingCacheClient

    def count_hit(self, key: str, timeout: int) -> int | None:
        """One more hit on a counter kept `timeout` seconds from its first (rate limits)."""
        client = self._cache
        if not isinstance(client, _ClientReusingCacheClient):  # pragma: no cover - set above
            raise TypeError("Redis cache without its reusing client")
        return client.count_hit(self.make_and_validate_key(key), timeout)

    def reachable(self) -> bool:
        """Whether Redis answers now, ignoring the cool-off (for /readyz)."""
        client = self._cache
        if not isinstance(client, _ClientReusingCacheClient):  # pragma: no cover - set above
            raise TypeError("Redis cache without its reusing client")
        return client.reachable()
