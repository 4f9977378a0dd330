"""Rate limits for the Open311 door: per API key for posts, per IP address for everything.

Fixed one-minute windows counted in the shared cache (Redis in production), so every web
process sees the same counts. Limits come from settings when set there.
"""

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60
DEFAULT_PER_KEY = 120  # posts a minute from one client
DEFAULT_PER_IP = 600  # requests a minute from one address


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _over(kind: str, ident: str, limit: int) -> int:
    """Count one hit; return seconds to wait when over the limit, else 0."""
    now = int(time.time())
    window = now - now % WINDOW_SECONDS
    key = f"open311:rate:{kind}:{ident}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    return window + WINDOW_SECONDS - now if count > limit else 0


def ip_wait(ip_address: str | None) -> int:
    """Seconds this address must wait before its next request, or 0."""
    return _over("ip", ip_address or "unknown", _limit("OPEN311_RATE_PER_IP", DEFAULT_PER_IP))


def client_wait(client_id: int) -> int:
    """Seconds this API client must wait before its next post, or 0."""
    return _over("key", str(client_id), _limit("OPEN311_RATE_PER_KEY", DEFAULT_PER_KEY))
