"""Batch run: import every <system>.csv in a folder as a source, link them all, write
system,record_id,person_id."""

import csv
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from townhall.records.linkage import records_link
from townhall.records.mapping import IDENTITY_MAPPING
from townhall.records.models import Source, SourceRecord
from townhall.records.services import source_import_file

# Which system wins when golden values disagree, by how carefully each keeps its data.
SYSTEM_TRUST = {
    "electoral_register": 90,
    "council_tax": 80,
    "benefits": 85,
    "blue_badge": 75,
    "housing": 70,
    "parking": 40,
    "waste": 30,
}


class Command(BaseCommand):
    help = "Import every <system>.csv in SOURCES_DIR, link them into persons, write the clusters."

    def add_arguments(self, parser):
        parser.add_argument("sources_dir", type=Path)
        parser.add_argument("--output", type=Path, required=True, help="clusters CSV to write")
        parser.add_argument("--u-pairs", type=float, default=1e6)

    def handle(self, *args, sources_dir: Path, output: Path, u_pairs: float, **options):
        if not sources_dir.is_dir():
            raise CommandError(f"{sources_dir} is not a folder.")
        files = sorted(sources_dir.glob("*.csv"))
        if not files:
            raise CommandError(f"{sources_dir} holds no .csv files.")
        started = time.monotonic()
        sources: dict[int, str] = {}
        rejected = 0
        for path in files:
            slug = path.stem
            source, _ = Source.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": slug.replace("_", " ").title(),
                    "mapping": IDENTITY_MAPPING,
                },
            )
            self._say(f"Importing {path.name}…")
            run = source_import_file(source=source, path=path)
            sources[source.pk] = slug
            if run.status == run.Status.FAILED:
                self.stderr.write(f"  {path.name} refused: {run.errors[0]['reason']}")
                continue
            rejected += run.rejected
            self._say(
                f"  {run.rows_read:,} rows: {run.created:,} new, {run.updated:,} updated, "
                f"{run.unchanged:,} unchanged, {run.retired:,} retired, {run.rejected:,} refused"
            )
            for error in run.errors[:20]:
                self.stderr.write(f"  line {error['line']}: {error['reason']}")
            if len(run.errors) > 20:
                self.stderr.write(f"  … and {len(run.errors) - 20:,} more refused rows")
        result = records_link(progress=self._say, u_pairs=u_pairs)
        self._say("Writing clusters…")
        count = 0
        with output.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["system", "record_id", "person_id"])
            query = SourceRecord.objects.filter(
                source_id__in=list(sources), retired_at__isnull=True
            ).values_list("source_id", "record_id", "person_id")
            for source_id, record_id, person_id in query.iterator(chunk_size=20000):
                writer.writerow([sources[source_id], record_id, person_id])
                count += 1
        linkage = result.run
        self.stdout.write(
            f"Done in {time.monotonic() - started:.1f}s: {len(files)} sources, "
            f"{count:,} records, {rejected:,} rows refused, {linkage.links:,} links "
            f"({linkage.for_review:,} for review), {linkage.persons:,} persons. Clusters in {output}."
        )

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
