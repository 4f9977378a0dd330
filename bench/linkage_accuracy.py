"""Accuracy of the golden record against a known truth, beside a plain Splink set-up.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/townhall_bench_gr \\
        .venv/bin/python bench/linkage_accuracy.py --records 60000 --seed 7
    # unseen data: another seed and the "hard" population (no dates of birth, initials,
    # marriages, several adults per household on council tax and the electoral roll)
    ... bench/linkage_accuracy.py --records 42000 --seed 20261206 --mode hard

Generates synthetic council data (townhall/demo/synthetic.py: households, twins, Jr/Sr,
nicknames, initials, marriages, first/middle swaps, movers, day/month swaps, postcode and
phone formats, upper-case systems, missing values, duplicate claims), runs `link_records` on
it (import, link, cluster, store), then a plain Splink set-up (library comparisons on the
values as they come, EM on postcode and on date of birth, connected components at 0.9) on the
same files, and prints pairwise precision, recall and F1 for both, and the false links inside
households, between twins and between fathers and sons. The database's records tables are
emptied first: use a bench database, never a live one.
"""

import argparse
import csv
import logging
import os
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/townhall_bench_gr")

from linkage_metrics import pairwise_scores  # noqa: E402


def django_ready() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "records_link",
            "records_sourcerecord",
            "records_person",
            "records_importrun",
            "records_linkagerun",
            "records_source",
            "records_reviewdecision",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def ours(folder: Path, output: Path) -> dict[tuple[str, str], str]:
    from django.core.management import call_command

    call_command("link_records", str(folder), output=output, stdout=open(os.devnull, "w"))  # noqa: SIM115
    with output.open() as handle:
        return {(r["system"], r["record_id"]): r["person_id"] for r in csv.DictReader(handle)}


def links_by_status(truth) -> dict[str, tuple[int, int]]:
    """Stored links per status: (links, of which between records of one true person)."""
    from townhall.records.models import Link, LinkageRun, SourceRecord

    key = {
        pk: truth.get((slug, record_id))
        for pk, slug, record_id in SourceRecord.objects.values_list(
            "pk", "source__slug", "record_id"
        )
    }
    run = LinkageRun.objects.order_by("-pk").first()
    out: dict[str, list[int]] = {}
    for left, right, status in Link.objects.values_list("left_id", "right_id", "status"):
        counts = out.setdefault(status, [0, 0])
        counts[0] += 1
        counts[1] += key.get(left) is not None and key.get(left) == key.get(right)
    print("Townhall run timings:", run.timings if run else {})
    return {status: (n, good) for status, (n, good) in out.items()}


def plain_splink(folder: Path) -> dict[tuple[str, str], str]:
    """What a generic Splink set-up does with these files: the library's comparisons on each
    column, no UK cleaning, address parts as independent evidence."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, block_on

    con = duckdb.connect()
    selects = []
    for path in sorted(folder.glob("*.csv")):
        selects.append(
            f"SELECT '{path.stem}' AS system, * FROM read_csv('{path}', all_varchar=true, header=true)"
        )
    con.execute(
        "CREATE TABLE people AS SELECT row_number() OVER () AS unique_id, system, record_id, "
        + ", ".join(
            f"nullif(trim({c}), '') AS {c}"
            for c in (
                "first_name",
                "surname",
                "date_of_birth",
                "address",
                "postcode",
                "email",
                "phone",
                "ni_number",
                "uprn",
            )
        )
        + " FROM ("
        + " UNION ALL ".join(selects)
        + ")"
    )
    db_api = DuckDBAPI(connection=con)
    frame = db_api.register("people")
    settings = {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": [
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.LevenshteinAtThresholds("address", [2, 5]),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("uprn"),
            cl.ExactMatch("email"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("ni_number"),
        ],
        "blocking_rules_to_generate_predictions": [
            block_on("first_name", "surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
            block_on("email"),
            block_on("ni_number"),
        ],
    }
    linker = Linker(frame, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [
            "l.first_name = r.first_name AND l.surname = r.surname AND l.date_of_birth = r.date_of_birth"
        ],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    rows = con.execute(
        f"SELECT system, record_id, cluster_id FROM {clusters.physical_name}"  # noqa: S608
    ).fetchall()
    return {(system, record_id): str(cluster) for system, record_id, cluster in rows}


def trap_false_links(predicted, truth, people) -> dict[str, int]:
    """False links between different people of one household, twins, fathers and sons."""
    by_pid = {p.pid: p for p in people}
    by_cluster: dict[str, list[tuple[str, str]]] = {}
    for key, cluster in predicted.items():
        if key in truth:
            by_cluster.setdefault(cluster, []).append(key)
    counts = {"household": 0, "twins": 0, "junior_senior": 0}
    for keys in by_cluster.values():
        pids = {truth[k] for k in keys}
        for a, b in combinations(sorted(pids), 2):
            pa, pb = by_pid[a], by_pid[b]
            if pa.home.uprn != pb.home.uprn:
                continue
            counts["household"] += 1
            if "twin" in pa.tags and "twin" in pb.tags and pa.dob == pb.dob:
                counts["twins"] += 1
            if pa.first == pb.first and ("junior" in pa.tags or "junior" in pb.tags):
                counts["junior_senior"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=60000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mode", choices=("standard", "hard"), default="standard")
    args = parser.parse_args()

    from townhall.demo.synthetic import generate, write_csvs

    rows, truth, people = generate(args.records, seed=args.seed, mode=args.mode)
    counts = {
        "records": len(truth),
        "people": len(set(truth.values())),
        "married (surname changes)": sum("married" in p.tags for p in people),
        "movers": sum("mover" in p.tags for p in people),
        "twins": sum("twin" in p.tags for p in people),
        "juniors (son with father's name)": sum("junior" in p.tags for p in people),
        "records without date of birth": sum(
            not row["date_of_birth"] for system_rows in rows.values() for row in system_rows
        ),
        "first name an initial or missing": sum(
            len(row["first_name"]) < 2 for system_rows in rows.values() for row in system_rows
        ),
    }
    print("Synthetic data:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sources"
        write_csvs(folder, rows)
        django_ready()
        # CPU time too: on a shared machine wall time varies with the load (ours leaves out
        # the PostgreSQL server's CPU, so it flatters us a little).
        t, cpu = time.monotonic(), time.process_time()
        predicted = ours(folder, Path(tmp) / "clusters.csv")
        ours_time, ours_cpu = time.monotonic() - t, time.process_time() - cpu
        statuses = links_by_status(truth)
        t, cpu = time.monotonic(), time.process_time()
        plain = plain_splink(folder)
        plain_time, plain_cpu = time.monotonic() - t, time.process_time() - cpu
    print(
        f"{'set-up':<28}{'precision':>10}{'recall':>10}{'F1':>8}{'time':>9}  false links in households / twins / Jr-Sr"
    )
    for name, result, seconds, cpu_seconds in (
        ("Townhall golden record", predicted, ours_time, ours_cpu),
        ("plain Splink", plain, plain_time, plain_cpu),
    ):
        s = pairwise_scores(result, truth)
        traps = trap_false_links(result, truth, people)
        print(
            f"{name:<28}{s['precision']:>10.4f}{s['recall']:>10.4f}{s['f1']:>8.4f}{seconds:>8.1f}s"
            f"  {traps['household']:,} / {traps['twins']:,} / {traps['junior_senior']:,}"
            f"  (CPU {cpu_seconds:.1f}s)"
        )
    print("Townhall stored links (status: links, of which truly one person):")
    for status, (n, good) in sorted(statuses.items()):
        print(f"  {status:<10}{n:>8,}{good:>8,}  ({good / n:.3f})")


if __name__ == "__main__":
    main()
