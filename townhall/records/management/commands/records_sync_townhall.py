"""Bring Townhall's own portal accounts and cases into the golden record, and give each new
record its person at once with the last run's model (no batch run needed)."""

from django.core.management.base import BaseCommand

from townhall.records.matching import record_match_and_assign
from townhall.records.models import Source, SourceRecord
from townhall.records.services import source_import_townhall


class Command(BaseCommand):
    help = "Import portal accounts and cases as sources and match their new records."

    def handle(self, *args, **options):
        for kind in (Source.Kind.PORTAL_ACCOUNTS, Source.Kind.CASES):
            run = source_import_townhall(kind=kind)
            new = SourceRecord.objects.filter(
                source=run.source, person__isnull=True, retired_at__isnull=True
            ).select_related("source")
            matched = 0
            for record in new.iterator(chunk_size=200):
                person = record_match_and_assign(record)
                matched += person.records.count() > 1
            self.stdout.write(
                f"{run.source.name}: {run.created} new, {run.updated} updated, "
                f"{run.retired} retired; {matched} new records joined a known person."
            )
