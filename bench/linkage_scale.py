"""Scale of the golden record: 1,000,000 source records over 7 systems on one machine.

    .venv/bin/python bench/linkage_scale.py --records 1000000

Generates the synthetic council data (not timed), then runs `manage.py link_records` in a
child process against the PostgreSQL database `townhall_bench_gr` (emptied first) and reports
wall time and peak memory for the whole run (import, link, cluster, store) and for the
linkage alone (export from the database, prepare, train, score, cluster), plus matching one
new record against the stored persons (cold and warm), and pairwise accuracy.
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/townhall_bench_gr")

from linkage_metrics import pairwise_scores  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
ENV = {**os.environ, "DATABASE_URL": DB, "DJANGO_SETTINGS_MODULE": "config.settings"}

RESET = """
import django; django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
with connection.cursor() as c:
    for t in ("records_link", "records_sourcerecord", "records_person", "records_importrun",
              "records_linkagerun", "records_source", "records_reviewdecision"):
        c.execute("DELETE FROM " + t)
"""

REPORT = """
import django, json; django.setup()
from townhall.records.models import LinkageRun
run = LinkageRun.objects.first()
print(json.dumps({"timings": run.timings, "records": run.records, "links": run.links,
                  "persons": run.persons, "for_review": run.for_review}))
"""

MATCH = """
import django, json, time; django.setup()
from townhall.records.models import SourceRecord, Source
from townhall.records.matching import record_matches
ids = list(SourceRecord.objects.filter(source__slug="benefits").values_list("pk", flat=True)[:21])
out = []
for pk in ids:
    record = SourceRecord.objects.select_related("source").get(pk=pk)
    t = time.monotonic(); matches = record_matches(record); out.append(time.monotonic() - t)
print(json.dumps({"cold": out[0], "warm": sorted(out[1:])}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    from townhall.demo.synthetic import generate, write_csvs

    t = time.monotonic()
    rows, truth, _ = generate(args.records, seed=args.seed)
    print(
        f"Generated {len(truth):,} records over {len(rows)} systems in {time.monotonic() - t:.0f}s (not timed)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sources"
        write_csvs(folder, rows)
        del rows
        subprocess.run([PY, "-c", RESET], env=ENV, cwd=ROOT, check=True)
        out = Path(tmp) / "clusters.csv"
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.monotonic()
        subprocess.run(
            [PY, "manage.py", "link_records", str(folder), "--output", str(out)],
            env=ENV,
            cwd=ROOT,
            check=True,
        )
        whole = time.monotonic() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        with out.open() as handle:
            predicted = {
                (r["system"], r["record_id"]): r["person_id"] for r in csv.DictReader(handle)
            }
    report = json.loads(
        subprocess.run(
            [PY, "-c", REPORT], env=ENV, cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
    )
    match = json.loads(
        subprocess.run(
            [PY, "-c", MATCH], env=ENV, cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
    )
    timings = report["timings"]
    scores = pairwise_scores(predicted, truth)
    print(
        f"Whole run (link_records: import, link, cluster, store): {whole:.1f}s wall, "
        f"peak memory {max(peak, before) / 1024:.0f} MB"
    )
    print(
        f"Linkage alone (export, prepare, train, score, cluster): {timings['linkage']:.1f}s, "
        f"peak memory {timings['peak_rss_mb_after_linkage']:.0f} MB (process high-water mark at its end)"
    )
    print("Phases (s):", {k: v for k, v in timings.items() if not k.startswith("peak")})
    print(
        f"{report['records']:,} records, {report['links']:,} links ({report['for_review']:,} for review), "
        f"{report['persons']:,} persons"
    )
    warm = match["warm"]
    print(
        f"Matching one new record: cold {match['cold']:.2f}s (first call loads Splink), warm median "
        f"{warm[len(warm) // 2]:.2f}s, worst {warm[-1]:.2f}s"
    )
    print(
        f"Pairwise precision {scores['precision']:.4f}, recall {scores['recall']:.4f}, F1 {scores['f1']:.4f}"
    )


if __name__ == "__main__":
    main()
