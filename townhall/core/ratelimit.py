"""Fixed one-minute rate-limit windows counted in the shared cache (Redis in production), so
every web process sees the same counts.

With Redis down these limits fail open: nothing can be counted, so nothing is refused. They
protect capacity from a client's runaway loop, not a secret; refusing every resident's report
while a cache is down would turn a cache outage into a service outage. (Sign-in throttling,
which does protect accounts, counts in the database and is unaffected.)"""

import time

from django.core.cache import cache

WINDOW_SECONDS = 60


def rate_wait(scope: str, ident: str, limit: int) -> int:
    """Count one hit for `ident` in `scope`; return seconds to wait when over the limit, else 0."""
    now = int(time.time())
    window = now - now % WINDOW_SECONDS
    key = f"rate:{scope}:{ident}:{window}"
    count_hit = getattr(cache, "count_hit", None)
    if count_hit is not None:  # Redis: one round trip a hit
        count = count_hit(key, WINDOW_SECONDS + 5)
        if count is None:  # unreachable (fail open)
            return 0
        return window + WINDOW_SECONDS - now if count > limit else 0
    try:
        count = cache.incr(key)  # one round trip once the window's counter exists
    except ValueError:  # the window's first hit
        # (another process may have made it meanwhile)
        try:
            count = 1 if cache.add(key, 1, timeout=WINDOW_SECONDS + 5) else cache.incr(key)
        except ValueError:  # still no counter: the cache is unreachable (fail open)
            return 0
    return window + WINDOW_SECONDS - now if count > limit else 0
