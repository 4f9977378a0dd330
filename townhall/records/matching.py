"""Matching one new record (a new portal account, a new source row) against the persons
already known, without a batch run: candidates come from the database's indexes, Splink
scores them with the last run's trained model in an in-memory DuckDB."""

import logging
from dataclasses import dataclass
from typing import Any

import duckdb
from django.db import transaction
from django.db.models import Q

from townhall.records.cleaning import name_key
from townhall.records.clustering import CLUSTER, profile_of, profiles_compatible
from townhall.records.linkage import COLUMNS, PREPARE_SQL, nicknames_load
from townhall.records.linkage_model import ModelLevels
from townhall.records.models import LinkageRun, Person, SourceRecord

logger = logging.getLogger(__name__)
MAX_CANDIDATES = 300
# A new record is prepared exactly as a linkage run prepares the records it links.
RAW_COLUMNS = COLUMNS


@dataclass
class Match:
    record: SourceRecord
    probability: float
    weight: float
    reasons: list[dict[str, Any]]


def _candidates(record: SourceRecord) -> list[SourceRecord]:
    name = Q(surname__iexact=record.surname) if record.surname else Q(pk__in=[])
    if record.first_name:
        name |= Q(first_name__iexact=record.first_name)
    query = Q(pk__in=[])
    for field in ("ni_number", "email", "phone", "uprn"):
        if getattr(record, field):
            query |= Q(**{field: getattr(record, field)})
    if record.date_of_birth:
        dob = record.date_of_birth
        dobs = [dob]
        if dob.day <= 12:
            dobs.append(dob.replace(month=dob.day, day=dob.month))
        query |= Q(date_of_birth__in=dobs) & name
    if record.postcode:
        query |= Q(postcode=record.postcode) & name
    return list(
        SourceRecord.objects.filter(query, retired_at__isnull=True, person__isnull=False)
        .exclude(pk=record.pk)
        .select_related("source")[:MAX_CANDIDATES]
    )


def _raw(record: SourceRecord) -> tuple:
    return (
        record.pk,
        record.source.slug,
        record.record_id,
        record.first_name,
        record.middle_names,
        record.surname,
        record.date_of_birth.isoformat() if record.date_of_birth else None,
        record.postcode,
        record.uprn,
        record.email,
        record.phone,
        record.ni_number,
        record.address,
        record.title,
    )


def record_matches(record: SourceRecord, *, run: LinkageRun | None = None) -> list[Match]:
    """Score one record against its candidates; best first. Empty when no model is trained."""
    run = run or LinkageRun.objects.exclude(model={}).filter(finished_at__isnull=False).first()
    if run is None or not run.model.get("comparisons"):
        return []
    candidates = _candidates(record)
    if not candidates:
        return []
    from splink import DuckDBAPI, Linker

    con = duckdb.connect()
    con.execute("CREATE TABLE raw_records (" + ", ".join(f"{c} VARCHAR" for c in RAW_COLUMNS) + ")")
    con.executemany(
        f"INSERT INTO raw_records VALUES ({', '.join('?' for _ in RAW_COLUMNS)})",  # noqa: S608 (placeholders only; values are bound)
        [_raw(r) for r in [record, *candidates]],
    )
    con.execute("ALTER TABLE raw_records ALTER unique_id TYPE BIGINT")
    nicknames_load(con)
    con.execute(PREPARE_SQL)
    db_api = DuckDBAPI(connection=con)
    con.execute("CREATE TABLE new_record AS SELECT * FROM people WHERE unique_id = ?", [record.pk])
    con.execute("CREATE TABLE known AS SELECT * FROM people WHERE unique_id <> ?", [record.pk])
    known = db_api.register("known")
    new = db_api.register("new_record")
    linker = Linker(known, run.model, log_level=logging.WARNING, validate_settings=False)
    names = [c["output_column_name"] for c in run.model["comparisons"]]
    predictions = linker.inference.predict_between(
        known,
        new,
        threshold_match_probability=0.5,
        warning_mode="never",
        blocking_rules_to_generate_predictions=["1=1"],
    )
    rows = con.execute(
        f"SELECT unique_id_l, unique_id_r, match_weight, match_probability, "  # noqa: S608 (column and table names are Splink's, not input)
        f"{', '.join('gamma_' + n for n in names)} FROM {predictions.physical_name}"
    ).fetchall()
    con.close()
    levels = ModelLevels.from_model(run.model)
    by_id = {c.pk: c for c in candidates}
    matches = []
    for left, right, weight, probability, *gammas in rows:
        other = by_id.get(left if right == record.pk else right)
        if other is not None:
            reasons = levels.reasons(dict(zip(names, gammas, strict=True)))
            matches.append(Match(other, probability, weight, reasons))
    return sorted(matches, key=lambda m: -m.probability)


@transaction.atomic
def record_match_and_assign(record: SourceRecord) -> Person:
    """Give a new record its person: the best-matching person it can belong to (no clash of
    names, dates of birth or NI numbers with any of that person's records), else a new one."""

    def profile(r: SourceRecord):
        middles = " ".join(name_key(m) for m in r.middle_names.split())
        return profile_of(name_key(r.first_name), middles, r.date_of_birth, r.ni_number, r.title)

    mine = profile(record)
    for match in record_matches(record):
        if match.probability < CLUSTER:
            break
        person_id = int(match.record.person_id or 0)
        members = SourceRecord.objects.filter(person_id=person_id, retired_at__isnull=True)
        if all(profiles_compatible(mine, profile(m)) for m in members):
            record.person_id = person_id
            record.save(update_fields=["person"])
            return Person.objects.get(pk=person_id)
    person = Person.objects.create()
    record.person = person
    record.save(update_fields=["person"])
    return person
