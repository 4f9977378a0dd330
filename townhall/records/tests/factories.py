"""Builders for records tests: sources and records through the real import."""

import csv
import io

from townhall.demo.synthetic import HEADER
from townhall.records.linkage import records_link
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


def residents_in_three_systems(*, third_voter: dict[str, str], smith_email: str = "") -> None:
    """Council tax, the electoral register and blue badges knowing the same residents (one
    claiming two badges), linked: the desk's golden-record pages and journey read these.
    `third_voter` is the register's third row (E3), which each test shapes to its story."""
    smith = {"email": smith_email} if smith_email else {}
    source_with_rows(
        "council_tax",
        [
            row(
                "C1",
                first_name="Robert",
                surname="Smith",
                date_of_birth="1970-01-01",
                address="1 High St",
                postcode="TN23 1AA",
                uprn="11",
                **smith,
                single_person_discount="Y",
            ),
            row(
                "C2",
                first_name="Anne",
                surname="Jones",
                date_of_birth="1980-02-02",
                address="2 Low Rd",
                postcode="TN24 2BB",
                uprn="22",
            ),
        ],
        role="council_tax",
        trust=80,
    )
    source_with_rows("electoral_register", [
        row("E1", first_name="ROBERT", surname="SMITH", address="1 HIGH ST", postcode="tn231aa", uprn="11"),
        row("E2", first_name="MARY", surname="SMITH", address="1 HIGH ST", postcode="TN23 1AA", uprn="11"),
        row("E3", **third_voter),
    ], role="electoral_register", trust=90)  # fmt: skip
    source_with_rows(
        "blue_badge",
        [
            row(
                "B1",
                first_name="Anne",
                surname="Jones",
                date_of_birth="02/02/1980",
                address="2 Low Rd",
                postcode="TN24 2BB",
                ni_number="AB123456C",
            ),
            row(
                "B2",
                first_name="Ann",
                surname="Jones",
                date_of_birth="1980-02-02",
                address="2 Low Road",
                postcode="TN242BB",
                ni_number="AB123456C",
            ),
        ],
        role="blue_badge",
        trust=70,
    )
    records_link(u_pairs=1e4)
