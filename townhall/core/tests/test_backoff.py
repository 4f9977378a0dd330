import random

from townhall.core.backoff import backoff_seconds


def test_each_wait_is_between_half_and_all_of_the_doubling_ceiling():
    for attempt, ceiling in ((1, 10), (2, 20), (3, 40), (6, 320)):
        waits = [backoff_seconds(base=10, attempt=attempt) for _ in range(50)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(set(waits)) > 1  # jittered


def test_the_cap_bounds_the_wait_and_the_jitter_can_be_made_repeatable():
    assert backoff_seconds(base=10, attempt=30, cap=60) <= 60
    first = backoff_seconds(base=1, attempt=4, rng=random.Random(7))
    assert first == backoff_seconds(base=1, attempt=4, rng=random.Random(7))
