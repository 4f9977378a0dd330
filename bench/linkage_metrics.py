"""Pairwise precision, recall and F1 of a clustering against a known truth."""

from collections import Counter
from collections.abc import Hashable, Mapping


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(
    predicted: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]
) -> dict[str, float]:
    """predicted and truth map each record to its cluster; only records in both count."""
    keys = [k for k in truth if k in predicted]
    true_pairs = sum(_pairs(n) for n in Counter(truth[k] for k in keys).values())
    found_pairs = sum(_pairs(n) for n in Counter(predicted[k] for k in keys).values())
    both = sum(_pairs(n) for n in Counter((predicted[k], truth[k]) for k in keys).values())
    precision = both / found_pairs if found_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": true_pairs,
        "found_pairs": found_pairs,
    }
