"""Writes of the golden record: importing sources (CSV files, SQL queries, portal accounts,
cases), and officers' review decisions. Linkage runs are in linkage.py."""

import csv
import io
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.core.audit import audit_record
from townhall.core.models import AuditEvent
from townhall.records.cleaning import name_key
from townhall.records.clustering import CLUSTER, cluster_records, profile_of
from townhall.records.importing import row_canonical, row_fingerprint
from townhall.records.mapping import mapping_validate
from townhall.records.models import (
    ImportRun,
    Link,
    Person,
    ReviewDecision,
    Source,
    SourceRecord,
)

BATCH = 5000
OTHER_DELIMITERS = (",", ";", "\t", "|")
UPDATABLE = ("title", "first_name", "middle_names", "surname", "date_of_birth", "address",
             "postcode", "uprn", "email", "phone", "ni_number", "extra", "raw", "issues",
             "row_hash", "retired_at")  # fmt: skip


class ImportRefused(ValidationError):
    """The whole file cannot be read as this source (delimiter, columns): nothing changed."""


def _delimiter_name(d: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(d, repr(d))


def _header_check(header: list[str], source: Source, mapping: dict[str, str]) -> None:
    wanted = list(mapping.values())
    missing = [c for c in wanted if c not in header]
    if not missing:
        return
    if len(header) == 1:
        for other in OTHER_DELIMITERS:
            if other != source.delimiter and other in header[0]:
                raise ImportRefused(
                    f"Line 1: the columns are separated by a {_delimiter_name(other)}, but the "
                    f"source '{source.slug}' expects a {_delimiter_name(source.delimiter)}. "
                    "Change the source's delimiter or export the file again."
                )
    raise ImportRefused(
        f"Line 1: missing column(s) {', '.join(missing)} (the file has "
        f"{', '.join(header) or 'no columns'})."
    )


def _csv_rows(
    data: bytes, source: Source, mapping: dict[str, str], errors: list[dict]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, {column: value}) for every well-formed row; malformed rows go to
    `errors` with their line number and reason."""
    encoding = source.encoding or "utf-8"
    if encoding.lower().replace("-", "") in {"utf8", "utf8sig"}:
        encoding = "utf-8-sig"
    # Bytes that are not text in the source's encoding are kept as surrogates so the one bad
    # row can be named and refused while the rest of the file imports.
    text = data.decode(encoding, errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=source.delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportRefused("The file is empty: there is no header line.") from None
    except csv.Error as error:
        raise ImportRefused(f"Line 1: the header cannot be read ({error}).") from None
    _header_check(header, source, mapping)
    width = len(header)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            errors.append({"line": line, "reason": f"not valid CSV ({error})"})
            continue
        if not row or row == [""]:
            continue
        if len(row) != width:
            errors.append({"line": line, "reason": f"{len(row)} fields, expected {width}",
                           "record_id": _guess_id(row, header, mapping)})  # fmt: skip
            continue
        bad = None
        if not all(v.isascii() for v in row):
            bad = next((i for i, v in enumerate(row) if _has_bad_bytes(v)), None)
        if bad is not None:
            errors.append({
                "line": line,
                "reason": f"column {header[bad]} is not valid {source.encoding} text",
                "record_id": _guess_id(row, header, mapping),
            })  # fmt: skip
            continue
        yield line, dict(zip(header, row, strict=True))


def _has_bad_bytes(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _guess_id(row: list[str], header: list[str], mapping: dict[str, str]) -> str:
    try:
        value = row[header.index(mapping["record_id"])]
    except (ValueError, IndexError):
        return ""
    return "" if _has_bad_bytes(value) else value.strip()


def _mapped(raw: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    return {field: raw.get(column) for field, column in mapping.items()}


@transaction.atomic
def _records_upsert(
    *, source: Source, run: ImportRun, rows: Iterable[tuple[int, dict[str, Any]]],
    mapping: dict[str, str], errors: list[dict], complete: bool = True,
) -> ImportRun:  # fmt: skip
    existing = {
        rid: (pk, row_hash, retired)
        for pk, rid, row_hash, retired in SourceRecord.objects.filter(source=source).values_list(
            "pk", "record_id", "row_hash", "retired_at"
        )
    }
    mapped_columns = set(mapping.values())
    seen: dict[str, int] = {}
    to_create: list[dict[str, Any]] = []
    to_update: list[SourceRecord] = []
    now = timezone.now()

    def flush() -> None:
        if to_create:
            _records_create(source, to_create)
            to_create.clear()
        if to_update:
            SourceRecord.objects.bulk_update(to_update, UPDATABLE, batch_size=1000)
            to_update.clear()

    for line, raw in rows:
        run.rows_read += 1
        values = row_canonical(_mapped(raw, mapping), month_first=source.dates_month_first)
        record_id = values.pop("record_id")
        if not record_id:
            errors.append({"line": line, "reason": f"no record_id (column {mapping['record_id']})"})
            continue
        if record_id in seen:
            errors.append({"line": line, "record_id": record_id,
                           "reason": f"record_id {record_id} already on line {seen[record_id]}"})  # fmt: skip
            continue
        seen[record_id] = line
        raw = {k: ("" if v is None else str(v)) for k, v in raw.items()}
        row_hash = row_fingerprint(raw)
        values["raw"] = raw
        values["extra"] = {k: v for k, v in raw.items() if k not in mapped_columns}
        values["row_hash"] = row_hash
        values["retired_at"] = None
        known = existing.get(record_id)
        if known is None:
            values["record_id"] = record_id
            to_create.append(values)
            run.created += 1
        elif known[1] == row_hash and known[2] is None:
            run.unchanged += 1
        else:
            to_update.append(
                SourceRecord(pk=known[0], source=source, record_id=record_id, **values)
            )
            run.updated += 1
        if len(to_create) >= BATCH or len(to_update) >= 1000:
            flush()
    flush()
    # A row we could not read is still in the source: do not retire it for being unreadable.
    unreadable = {e.get("record_id") for e in errors if e.get("record_id")}
    if complete:
        vanished = [
            pk for rid, (pk, _, retired) in existing.items()
            if rid not in seen and rid not in unreadable and retired is None
        ]  # fmt: skip
        for start in range(0, len(vanished), BATCH):
            SourceRecord.objects.filter(pk__in=vanished[start : start + BATCH]).update(
                retired_at=now
            )
        run.retired = len(vanished)
    errors.sort(key=lambda e: e["line"])
    run.errors = errors
    run.rejected = len(errors)
    run.status = ImportRun.Status.DONE
    run.finished_at = timezone.now()
    run.save()
    return run


COPY_FIELDS = ("source_id", "record_id", "title", "first_name", "middle_names", "surname",
               "date_of_birth", "address", "postcode", "uprn", "email", "phone", "ni_number",
               "extra", "raw", "issues", "row_hash", "first_seen_at", "updated_at")  # fmt: skip


def _records_create(source: Source, records: list[dict[str, Any]]) -> None:
    """New records in bulk; on PostgreSQL through COPY, ten times faster than INSERTs."""
    from django.db import connection

    if connection.vendor != "postgresql":
        SourceRecord.objects.bulk_create(
            [SourceRecord(source=source, **values) for values in records], batch_size=BATCH
        )
        return
    import json

    now = timezone.now()
    with connection.cursor() as cursor:
        sql = f"COPY records_sourcerecord ({', '.join(COPY_FIELDS)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for r in records:
                copy.write_row((
                    source.pk, r["record_id"], r["title"], r["first_name"], r["middle_names"],
                    r["surname"], r["date_of_birth"], r["address"], r["postcode"], r["uprn"],
                    r["email"], r["phone"], r["ni_number"], json.dumps(r["extra"]),
                    json.dumps(r["raw"]), json.dumps(r["issues"]), r["row_hash"], now, now,
                ))  # fmt: skip


def source_import_csv(*, source: Source, data: bytes, file_name: str = "") -> ImportRun:
    """Import one CSV extract of a source. Good rows are created or updated, rows that
    vanished are retired, and each bad row is reported with its line number and reason.
    A file that cannot be read as this source at all (wrong delimiter, missing columns) is
    refused whole: the run is recorded as failed and no record changes. Safe to re-run."""
    mapping = mapping_validate(source.mapping)
    run = ImportRun.objects.create(source=source, file_name=file_name[:255])
    errors: list[dict] = []
    try:
        rows = _csv_rows(data, source, mapping, errors)
        first = next(rows, None)  # reads and checks the header before anything is written
    except ImportRefused as refusal:
        run.status = ImportRun.Status.FAILED
        run.errors = [{"line": 1, "reason": refusal.messages[0]}]
        run.rejected = 0
        run.finished_at = timezone.now()
        run.save()
        return run

    def all_rows() -> Iterator[tuple[int, dict[str, str]]]:
        if first is not None:
            yield first
        yield from rows

    return _records_upsert(source=source, run=run, rows=all_rows(), mapping=mapping, errors=errors)


def source_import_file(*, source: Source, path: Path | str) -> ImportRun:
    path = Path(path)
    return source_import_csv(source=source, data=path.read_bytes(), file_name=path.name)


def _sql_rows(source: Source) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a source's SQL query: `dsn` is postgres://... or sqlite:///path."""
    if source.dsn.startswith("sqlite:///"):
        lite = sqlite3.connect(f"file:{source.dsn[10:]}?mode=ro", uri=True)
        result = lite.execute(source.query)
        names = [c[0] for c in result.description]
        for n, row in enumerate(result, start=1):
            yield n, dict(zip(names, row, strict=True))
        lite.close()
        return
    if source.dsn.startswith(("postgres://", "postgresql://")):
        import psycopg

        with psycopg.connect(source.dsn) as connection, connection.cursor() as cursor:
            # The source is a line-of-business system: never write to it.
            connection.read_only = True  # type: ignore[attr-defined]
            cursor.execute(source.query)
            columns = [c.name for c in cursor.description or []]
            for n, row in enumerate(cursor, start=1):
                yield n, dict(zip(columns, row, strict=True))
        return
    raise ImportRefused("The source's database must be a postgres:// or sqlite:/// address.")


def source_import_sql(*, source: Source) -> ImportRun:
    """Import a source by running its SQL query against the source's database (read only).
    Line numbers in the errors are row numbers of the query's result."""
    mapping = mapping_validate(source.mapping)
    run = ImportRun.objects.create(source=source, file_name="(SQL query)")
    try:
        rows = list(_sql_rows(source))
        if rows:
            missing = [c for c in mapping.values() if c not in rows[0][1]]
            if missing:
                raise ImportRefused(f"The query returns no column(s) {', '.join(missing)}.")
    except (ImportRefused, sqlite3.Error, Exception) as error:  # noqa: BLE001
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        run.status = ImportRun.Status.FAILED
        run.errors = [{"line": 0, "reason": f"The query failed: {message}"[:500]}]
        run.finished_at = timezone.now()
        run.save()
        return run
    return _records_upsert(source=source, run=run, rows=rows, mapping=mapping, errors=[])


# --- portal accounts and cases as sources ------------------------------------------------


def _rows_of_accounts() -> Iterator[tuple[int, dict[str, Any]]]:
    residents = User.objects.filter(role=User.Role.RESIDENT, is_active=True).order_by("pk")
    for n, user in enumerate(residents.iterator(chunk_size=2000), start=1):
        yield n, {
            "record_id": str(user.pk), "full_name": user.full_name, "email": user.email,
            "phone": user.phone, "address": user.address_line, "postcode": user.postcode,
            "uprn": user.uprn,
        }  # fmt: skip


def _rows_of_cases() -> Iterator[tuple[int, dict[str, Any]]]:
    cases = Case.objects.exclude(contact_name="", contact_email="", contact_phone="")
    for n, case in enumerate(cases.order_by("pk").iterator(chunk_size=2000), start=1):
        yield n, {
            "record_id": case.reference, "full_name": case.contact_name,
            "email": case.contact_email, "phone": case.contact_phone, "uprn": case.uprn,
            "address": case.location_text if case.uprn else "",
            "resident_id": str(case.resident_id or ""), "service": case.service_id,
        }  # fmt: skip


TOWNHALL_MAPPING = {"record_id": "record_id", "full_name": "full_name", "email": "email",
                    "phone": "phone", "address": "address", "postcode": "postcode",
                    "uprn": "uprn"}  # fmt: skip


def source_import_townhall(*, kind: str) -> ImportRun:
    """Import Townhall's own portal accounts or cases as a source (they are systems that
    know residents too). Re-running updates, retires and never duplicates, like any source."""
    rows: dict[str, Callable[[], Iterator[tuple[int, dict[str, Any]]]]] = {
        Source.Kind.PORTAL_ACCOUNTS: _rows_of_accounts,
        Source.Kind.CASES: _rows_of_cases,
    }
    if kind not in rows:
        raise ValidationError(f"Unknown Townhall source kind {kind!r}.")
    source, _ = Source.objects.get_or_create(
        slug=kind.replace("_", "-"),
        defaults={
            "name": Source.Kind(kind).label,
            "kind": kind,
            "mapping": TOWNHALL_MAPPING,
            "trust": 60 if kind == Source.Kind.PORTAL_ACCOUNTS else 20,
        },  # fmt: skip
    )
    run = ImportRun.objects.create(source=source, file_name=f"(Townhall {source.name.lower()})")
    mapping = {k: v for k, v in TOWNHALL_MAPPING.items() if k != "postcode"}
    if kind == Source.Kind.PORTAL_ACCOUNTS:
        mapping["postcode"] = "postcode"
    return _records_upsert(source=source, run=run, rows=rows[kind](), mapping=mapping, errors=[])


# --- officers' decisions ------------------------------------------------------------------


def _decide(
    *, left: SourceRecord, right: SourceRecord, decision: str, user: Any, note: str = ""
) -> None:
    a, b = sorted([left.key, right.key])
    ReviewDecision.objects.update_or_create(
        left_key=a, right_key=b,
        defaults={"decision": decision, "decided_by": user, "note": note[:300]},
    )  # fmt: skip


@transaction.atomic
def link_decide(*, link: Link, same: bool, user: Any, note: str = "") -> Link:
    """Accept (the same person) or reject (different people) a link. The decision is kept by
    record keys, so the next run obeys it and uses it as a label; the persons change now."""
    link = (
        Link.objects.select_for_update()
        .select_related("left__source", "right__source")
        .get(pk=link.pk)
    )
    decision = ReviewDecision.Decision.SAME if same else ReviewDecision.Decision.DIFFERENT
    _decide(left=link.left, right=link.right, decision=decision, user=user, note=note)
    link.status = Link.Status.ACCEPTED if same else Link.Status.REJECTED
    link.save(update_fields=["status"])
    if same and link.left.person_id != link.right.person_id:
        _persons_join(link.left, link.right, user=user)
    elif not same and link.left.person is not None and link.left.person_id == link.right.person_id:
        person_recluster(person=link.left.person)
    audit_record(action=AuditEvent.Action.CHANGE, object_type="records.link", object_id=link.pk,
                 actor=user, detail={"decision": decision})  # fmt: skip
    return link


def _persons_join(a: SourceRecord, b: SourceRecord, *, user: Any) -> Person:
    if a.person_id is None and b.person_id is None:
        person = Person.objects.create()
        SourceRecord.objects.filter(pk__in=[a.pk, b.pk]).update(person=person)
        return person
    keep_id = a.person_id or b.person_id
    other_id = b.person_id if keep_id == a.person_id else a.person_id
    SourceRecord.objects.filter(pk__in=[a.pk, b.pk], person__isnull=True).update(person_id=keep_id)
    if other_id and other_id != keep_id:
        SourceRecord.objects.filter(person_id=other_id).update(person_id=keep_id)
        Person.objects.filter(pk=other_id).delete()
    return Person.objects.get(pk=int(keep_id or 0))


@transaction.atomic
def persons_merge(*, person: Person, other: Person, user: Any) -> Person:
    """Merge two persons an officer knows to be one resident: every record of `other`
    moves to `person`, and "same person" decisions keep them together on later runs."""
    if person.pk == other.pk:
        raise ValidationError("Choose another person to merge with.")
    first = person.records.select_related("source").filter(retired_at__isnull=True).first()
    for record in other.records.select_related("source").filter(retired_at__isnull=True):
        if first is not None:
            _decide(left=first, right=record, decision=ReviewDecision.Decision.SAME, user=user)
    other.records.update(person=person)
    other.delete()
    audit_record(action=AuditEvent.Action.CHANGE, object_type="records.person",
                 object_id=person.pk, actor=user, detail={"merged": other.pk})  # fmt: skip
    return person


@transaction.atomic
def person_split(*, person: Person, record: SourceRecord, user: Any) -> Person:
    """Take one record out of a person: it is a different resident from every other record
    of the person (kept as decisions), and becomes a person of its own."""
    if record.person_id != person.pk:
        raise ValidationError("That record does not belong to this person.")
    others = person.records.select_related("source").exclude(pk=record.pk)
    if not others.exists():
        raise ValidationError("A person with one record cannot be split.")
    for other in others:
        _decide(left=record, right=other, decision=ReviewDecision.Decision.DIFFERENT, user=user)
    new = Person.objects.create()
    record.person = new
    record.save(update_fields=["person"])
    Link.objects.filter(left=record).update(status=Link.Status.REJECTED)
    Link.objects.filter(right=record).update(status=Link.Status.REJECTED)
    audit_record(action=AuditEvent.Action.CHANGE, object_type="records.person",
                 object_id=person.pk, actor=user, detail={"split": record.key, "into": new.pk})  # fmt: skip
    return new


def person_recluster(*, person: Person) -> None:
    """Re-cluster one person's records with their stored links and the decisions, after a
    link between two of them was rejected."""
    records = list(person.records.select_related("source").filter(retired_at__isnull=True))
    ids = [r.pk for r in records]
    key_to_id = {r.key: r.pk for r in records}
    profiles = {
        r.pk: profile_of(name_key(r.first_name), " ".join(name_key(m) for m in r.middle_names.split()),
                         r.date_of_birth, r.ni_number, r.title)
        for r in records
    }  # fmt: skip
    edges = [
        (link.match_probability, link.left_id, link.right_id)
        for link in Link.objects.filter(left_id__in=ids, right_id__in=ids)
        if link.match_probability >= CLUSTER and link.status != Link.Status.REJECTED
    ]
    same: list[tuple[int, int]] = []
    different: list[tuple[int, int]] = []
    for d in ReviewDecision.objects.filter(left_key__in=key_to_id, right_key__in=key_to_id):
        pair = (key_to_id[d.left_key], key_to_id[d.right_key])
        (same if d.decision == ReviewDecision.Decision.SAME else different).append(pair)
    clusters = cluster_records(ids, profiles, edges, same, different)
    roots = sorted(
        set(clusters.values()), key=lambda root: -sum(1 for v in clusters.values() if v == root)
    )
    for root in roots[1:]:  # the biggest group keeps the person
        new = Person.objects.create()
        SourceRecord.objects.filter(pk__in=[k for k, v in clusters.items() if v == root]).update(
            person=new
        )
