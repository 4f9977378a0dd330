"""One number that changes whenever any round, stop or one-off change does: the bin-day page
and the open API cache each address's collections under it, so an edit reaches every process
at once without anyone listing the keys to delete."""

from django.core.cache import cache

from townhall.core.pagecache import generation_bump

GENERATION_KEY = "waste:generation"
# The page-cache scope of whatever shows collections (the bin-day page, the open API).
PAGES = "waste"


def waste_generation() -> int:
    """The current generation (1 on a fresh cache)."""
    try:
        return int(cache.get_or_set(GENERATION_KEY, 1, None) or 1)
    except (TypeError, ValueError):
        return 1


def waste_generation_bump() -> None:
    """Start a new generation: every cached collection list is stale. Call on commit."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)
    # The bin-day pages and the open API's answers kept whole (core/pagecache.py) go too.
    generation_bump(PAGES)


def bin_day_key(uprn: str, day: object) -> str:
    return f"waste:bin-day:{waste_generation()}:{uprn}:{day}"
