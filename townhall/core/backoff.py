"""How long to wait before trying again: one rule for every retry in Townhall (tasks, the
outbox, notifications, loops waiting out an outage)."""

import random


def backoff_seconds(
    *, base: float, attempt: int, cap: float | None = None, rng: random.Random | None = None
) -> float:
    """Exponential backoff with "equal jitter" after failed try number `attempt` (1, 2, ...):
    between half and all of base * 2^(attempt-1), capped at `cap`. The jitter spreads retries
    out, so a partner or database coming back is not hit by every waiting client at once;
    the floor of half keeps a retry from coming straight back."""
    ceiling = base * 2 ** max(attempt - 1, 0)
    if cap is not None:
        ceiling = min(cap, ceiling)
    return ceiling / 2 + (rng or random).random() * ceiling / 2  # noqa: S311 (not for security)
