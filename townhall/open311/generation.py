"""The generation of Open311's shared response cache: public reads are kept under the current
generation (`views._shared_cache`), and every write a read could show (a request accepted, a
case opened or changed) starts a new one once it commits, so no kept answer is older than
the last such write.
"""

import time

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "open311:data-generation"


def _fresh() -> int:
    # Never a number used before: after the key is evicted, answers kept under an earlier
    # generation (still within their seconds) must not be served again.
    return time.time_ns()


def generation_current() -> int:
    """The generation reads are kept under now."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return int(generation or 0)


def generation_bump() -> None:
    """Start a new generation now: every answer kept so far stops being served."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(GENERATION_KEY, _fresh(), timeout=None)


def generation_bump_on_commit() -> None:
    """Start a new generation when the current transaction commits (at once outside one),
    so a read that ran before the commit is never kept under the new generation."""
    transaction.on_commit(generation_bump)
