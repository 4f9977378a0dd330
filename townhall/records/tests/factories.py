"""Builders for records tests: sources and records through the real import."""

import csv
import io

from townhall.demo.synthetic import HEADER
from townhall.records.mapping import IDENTITY_MAPPING
from townhall.records.models import Source
from townhall.records.services import source_import_csv


def source_with_rows(
    slug: str, rows: list[dict[str, str]], *, role: str = "other", **extra
) -> Source:
    source, _ = Source.objects.get_or_create(
        slug=slug,
        defaults={
            "name": slug.replace("_", " ").capitalize(),
            "mapping": IDENTITY_MAPPING,
            "role": role,
            **extra,
        },
    )
    header = list(HEADER) + sorted({k for r in rows for k in r} - set(HEADER))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    source_import_csv(source=source, data=out.getvalue().encode())
    return source


def row(record_id: str, **values: str) -> dict[str, str]:
    return {"record_id": record_id, **values}
