"""manage.py waste_rounds_import FILE [--map field=COLUMN ...]: import a round extract."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townhall.waste.imports import DEFAULT_COLUMNS, ExtractRefused
from townhall.waste.services import rounds_import


class Command(BaseCommand):
    help = (
        "Import waste rounds from a CSV extract, one row per address served by a round. "
        f"Columns (map others with --map field=COLUMN): {', '.join(DEFAULT_COLUMNS)}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN")

    def handle(self, *args, file: Path, map: list[str], **options) -> None:
        columns = {}
        for item in map:
            name, _, heading = item.partition("=")
            if name not in DEFAULT_COLUMNS or not heading:
                raise CommandError(f"--map {item}: use one of {', '.join(DEFAULT_COLUMNS)}=COLUMN")
            columns[name] = heading
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            summary = rounds_import(extract=text, columns=columns)
        except ExtractRefused as refused:
            raise CommandError(
                "The extract was not imported; nothing was changed.\n" + "\n".join(refused.problems)
            ) from None
        self.stdout.write(
            f"Imported {summary.rows} rows: {summary.rounds_created} rounds created, "
            f"{summary.rounds_updated} updated, {summary.stops} addresses served."
        )
