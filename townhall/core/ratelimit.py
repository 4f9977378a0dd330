"""Fixed one-minute rate-limit windows counted in the shared cache (Redis in production), so
every web process sees the same counts."""

import time

from django.core.cache import cache

WINDOW_SECONDS = 60


def rate_wait(scope: str, ident: str, limit: int) -> int:
    """Count one hit for `ident` in `scope`; return seconds to wait when over the limit, else 0."""
    now = int(time.time())
    window = now - now % WINDOW_SECONDS
    key = f"rate:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    return window + WINDOW_SECONDS - now if count > limit else 0
