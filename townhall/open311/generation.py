"""The generation of Open311's public reads: they are kept under the current generation
(`views._shared_cache`, and whole in core/pagecache.py), and every write a read could show (a
request accepted, a case opened or changed, a service changed) starts a new one once it
commits, so no kept answer is older than the last such write.
"""

from townhall.core import pagecache

SCOPE = "open311"
GENERATION_KEY = pagecache.generation_key(SCOPE)


def generation_current() -> int:
    """The generation reads are kept under now."""
    return pagecache.generations_current((SCOPE,))[0]


def generation_bump() -> None:
    """Start a new generation now: every answer kept so far stops being served."""
    pagecache.generation_bump(SCOPE)


def generation_bump_on_commit() -> None:
    """Start a new generation when the current transaction commits (at once outside one),
    so a read that ran before the commit is never kept under the new generation."""
    pagecache.generation_bump_on_commit(SCOPE)
