"""Django's Redis cache, keeping one Redis client per connection pool.

Django builds a new `redis.Redis` for every cache call, and each build copies redis-py's table
of ~170 response callbacks: about a tenth of a millisecond, twice on every signed-in request
(session and user). A client is thread-safe and holds no connection of its own, so one per
pool serves every call.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ClientReusingCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ClientReusingRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ClientReusingCacheClient
