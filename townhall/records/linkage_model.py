"""The linkage model: Splink's linker on DuckDB, trained without labels (u by random sampling,
m by EM), the model shipped for councils too small to train their own, and the labels and
weights of each comparison level as officers see them.
"""

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from townhall.records.model_spec import (
    DETERMINISTIC_RULES,
    EM_TRAINING_RULES,
    settings_make,
)

# Strict rules (same NI and birth date, ...) find only the well-recorded part of the true
# pairs: most systems lack NI numbers, emails or dates of birth.
RULES_RECALL = 0.4
# Below this many records EM has too few pairs to learn from: the model trained on the
# synthetic council data shipped with the code is used instead (and when training fails).
MIN_RECORDS_TO_TRAIN = 2000
DEFAULT_MODEL = Path(__file__).parent / "data" / "default_model.json"


def linker_make(con: duckdb.DuckDBPyConnection, settings: dict[str, Any], table: str = "people"):
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(connection=con)
    frame = db_api.register(table)
    return Linker(frame, settings, log_level=logging.WARNING)


def default_model() -> dict[str, Any]:
    import json

    model = json.loads(DEFAULT_MODEL.read_text(encoding="utf-8"))
    model["blocking_rules_to_generate_predictions"] = settings_make()[
        "blocking_rules_to_generate_predictions"
    ]
    return model


def model_train(
    linker, *, labels: list[tuple[int, int]] | None = None, u_pairs: float = 1e6, seed: int = 42
) -> None:
    """EM without labels: the share of matches from strict deterministic rules, u from
    random pairs (1e6 gave the same accuracy as 1e7 here), m by EM on two blocking rules.
    Officers' "same person" decisions then refine m as labels when there are enough."""
    linker.training.estimate_probability_two_random_records_match(
        DETERMINISTIC_RULES, recall=RULES_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    for rule in EM_TRAINING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    if labels and len(labels) >= 10:
        linker.table_management.register_table(
            [{"unique_id_l": a, "unique_id_r": b} for a, b in labels],
            "officer_labels",
            overwrite=True,
        )
        linker.training.estimate_m_from_pairwise_labels("officer_labels")


@dataclass
class ModelLevels:
    """Labels and weights per comparison level, read from the trained model JSON."""

    comparisons: list[dict[str, Any]]

    @classmethod
    def from_model(cls, model: dict[str, Any]) -> "ModelLevels":
        comparisons = []
        for comparison in model.get("comparisons", []):
            levels = comparison["comparison_levels"]
            non_null = [lv for lv in levels if not lv.get("is_null_level")]
            by_gamma: dict[int, dict[str, Any]] = {}
            for i, level in enumerate(non_null):
                m, u = level.get("m_probability"), level.get("u_probability")
                weight = math.log2(m / u) if m and u else 0.0
                by_gamma[len(non_null) - 1 - i] = {
                    "label": level["label_for_charts"],
                    "weight": weight,
                }
            by_gamma[-1] = {"label": "Missing on one side", "weight": 0.0}
            comparisons.append(
                {
                    "name": comparison["output_column_name"],
                    "description": comparison.get("comparison_description")
                    or comparison["output_column_name"],
                    "levels": by_gamma,
                }
            )
        return cls(comparisons)

    def reasons(self, levels: dict[str, int]) -> list[dict[str, Any]]:
        out = []
        for comparison in self.comparisons:
            gamma = int(levels.get(comparison["name"], -1))
            level = comparison["levels"].get(gamma) or comparison["levels"].get(str(gamma))
            if level is None:
                continue
            out.append(
                {
                    "comparison": comparison["description"],
                    "level": level["label"],
                    "weight": round(level["weight"], 2),
                }
            )
        return out
