"""Linking every current source record into persons: Splink (Fellegi-Sunter) on an embedded
DuckDB, trained without labels (u by random sampling, m by EM), then clustering that keeps
households, twins and fathers and sons apart, and storing links and persons. The model is
in `linkage_model`, the clustering in `clustering`; this module prepares the data, runs the
whole link and stores its result.

The data leaves the council's database once, as CSV, into a DuckDB on disk in a temporary
folder (bounded memory); nothing is sent anywhere."""

import csv
import logging
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from django.db import connection, transaction
from django.utils import timezone

from townhall.records import cleaning
from townhall.records.clustering import (
    CLUSTER,
    Profile,
    cluster_records,
    profile_of,
    profiles_compatible,
)
from townhall.records.linkage_model import (
    MIN_RECORDS_TO_TRAIN,
    default_model,
    linker_make,
    model_train,
)
from townhall.records.model_spec import (
    settings_make,
)
from townhall.records.models import Link, LinkageRun, Person, ReviewDecision, SourceRecord

logger = logging.getLogger(__name__)

# Pairs at or above STORE are kept as links; CLUSTER and above join records into one person;
# pairs between REVIEW_LOW and AUTO are offered to officers.
STORE = 0.5
AUTO = 0.99
# From this many records the DuckDB of a run lives on disk (bounded memory at a million).
ON_DISK_FROM = 250_000
REVIEW_LOW = 0.5
# Systems that list each person once at an address (the electoral register lists each elector
# once): two of their entries at one address are two people, however alike the names (a
# father and son both called Lewis Fairbairn, with no date of birth on the register).
ONE_ENTRY_PER_ADDRESS = ("electoral_register", "electoral-register")

COLUMNS = (
    "unique_id",
    "source",
    "record_id",
    "first_name",
    "middle_names",
    "surname",
    "dob",
    "postcode",
    "uprn",
    "email",
    "phone",
    "ni_number",
    "address",
    "title",
)

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


# --- preparing the data -----------------------------------------------------------------


def records_export(path: Path, source_ids: list[int] | None = None) -> int:
    """Write every current (not retired) source record to a CSV for DuckDB; returns rows."""
    where = "r.retired_at IS NULL"
    params: list[Any] = []
    if source_ids:
        where += " AND r.source_id IN (" + ",".join("%s" for _ in source_ids) + ")"
        params = list(source_ids)
    sql = (
        "SELECT r.id, s.slug, r.record_id, r.first_name, r.middle_names, r.surname, "  # noqa: S608 (fixed columns; ids are bound parameters)
        "r.date_of_birth, r.postcode, r.uprn, r.email, r.phone, r.ni_number, r.address, r.title "
        "FROM records_sourcerecord r JOIN records_source s ON s.id = r.source_id "
        f"WHERE {where}"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, path.open("wb") as out:
            raw = cursor.cursor  # psycopg's own cursor: COPY streams without Python rows
            query = raw.mogrify(sql, params) if params else sql
            with raw.copy(f"COPY ({query}) TO STDOUT WITH CSV HEADER") as copy:
                for chunk in copy:
                    out.write(chunk)
        with path.open("rb") as handle:
            return max(sum(1 for _ in handle) - 1, 0)
    count = 0
    with connection.cursor() as cursor, path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10000):
            writer.writerows(rows)
            count += len(rows)
    return count


def nicknames_rows() -> list[tuple[str, str]]:
    return [
        (name, formal) for name, forms in cleaning.nickname_groups().items() for formal in forms
    ]


def nicknames_load(con: duckdb.DuckDBPyConnection) -> None:
    """The nickname table as a DuckDB table (one statement: executemany is slow in DuckDB)."""
    import pyarrow as pa

    rows = nicknames_rows()
    con.register(
        "nicknames_arrow", pa.table({"name": [r[0] for r in rows], "formal": [r[1] for r in rows]})
    )
    con.execute("CREATE OR REPLACE TABLE nicknames AS SELECT * FROM nicknames_arrow")
    con.unregister("nicknames_arrow")


PREPARE_SQL = """
CREATE OR REPLACE TABLE people AS
WITH src AS (
    SELECT unique_id, source, record_id,
        nullif(regexp_replace(lower(strip_accents(coalesce(first_name, ''))), '[^a-z ]', '', 'g'), '') AS first_name,
        nullif(regexp_replace(lower(strip_accents(coalesce(middle_names, ''))), '[^a-z ]', '', 'g'), '') AS middle_names,
        nullif(regexp_replace(lower(strip_accents(coalesce(surname, ''))), '[^a-z ]', '', 'g'), '') AS surname,
        TRY_CAST(dob AS DATE) AS dob,
        nullif(postcode, '') AS postcode,
        nullif(uprn, '') AS uprn,
        nullif(email, '') AS email,
        nullif(phone, '') AS phone,
        nullif(ni_number, '') AS ni_number,
        nullif(regexp_extract(lower(coalesce(address, '')), '(^|[^0-9])([0-9]+[a-z]?)([^0-9a-z]|$)', 2), '') AS house,
        nullif(regexp_replace(lower(coalesce(address, '')), '[^a-z0-9]', '', 'g'), '') AS address_key,
        nullif(lower(title), '') AS title
    FROM raw_records
)
SELECT src.*,
    CASE WHEN dob IS NULL THEN NULL ELSE
        year(dob)::VARCHAR || '-' || least(month(dob), day(dob))::VARCHAR || '-'
        || greatest(month(dob), day(dob))::VARCHAR END AS dob_key,
    CASE WHEN postcode IS NULL THEN NULL ELSE split_part(postcode, ' ', 1) END AS district,
    left(first_name, 1) AS first_initial,
    coalesce(string_split(middle_names, ' '), []) AS middle_list,
    coalesce(
        (SELECT list(n.formal ORDER BY n.formal) FROM nicknames n WHERE n.name = src.first_name),
        [src.first_name]) AS first_forms
FROM src;
ALTER TABLE people ADD COLUMN first_canon VARCHAR;
UPDATE people SET first_canon = CASE WHEN length(first_name) > 1 THEN first_forms[1] END;
"""


def duckdb_prepare(con: duckdb.DuckDBPyConnection, csv_path: Path) -> int:
    """Load the exported records and derive the comparison keys in SQL (fast at 1M rows):
    folded names, nickname forms, day/month-proof date key, postcode district, house number."""
    con.execute(
        "CREATE OR REPLACE TABLE raw_records AS SELECT * FROM read_csv(?, header=true, "
        "all_varchar=true, quote='\"', escape='\"')",
        [str(csv_path)],
    )
    cols = [r[0] for r in con.execute("DESCRIBE raw_records").fetchall()]
    renames = {"id": "unique_id", "slug": "source", "date_of_birth": "dob"}
    for old, new in renames.items():
        if old in cols:
            con.execute(f'ALTER TABLE raw_records RENAME COLUMN "{old}" TO {new}')
    con.execute("ALTER TABLE raw_records ALTER unique_id TYPE BIGINT")
    nicknames_load(con)
    con.execute(PREPARE_SQL)
    return con.execute("SELECT count(*) FROM people").fetchall()[0][0]


# --- the whole run ----------------------------------------------------------------------


@dataclass
class RunResult:
    run: LinkageRun
    clusters: dict[int, int]  # record id -> person id
    timings: dict[str, float]


def _decisions(key_to_id: dict[str, int]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    same: list[tuple[int, int]] = []
    different: list[tuple[int, int]] = []
    for left, right, decision in ReviewDecision.objects.values_list(
        "left_key", "right_key", "decision"
    ):
        a, b = key_to_id.get(left), key_to_id.get(right)
        if a is None or b is None:
            continue  # one of the records has been retired since
        (same if decision == ReviewDecision.Decision.SAME else different).append((a, b))
    return same, different


def register_neighbours(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """Pairs of entries of a one-entry-per-address system (ONE_ENTRY_PER_ADDRESS) at one
    address: never one person."""
    placeholders = ", ".join("?" for _ in ONE_ENTRY_PER_ADDRESS)
    return con.execute(
        "SELECT l.unique_id, r.unique_id FROM people l JOIN people r "  # noqa: S608 (placeholders only; values are bound)
        "ON l.source = r.source AND l.address_key = r.address_key AND l.unique_id < r.unique_id "
        f"WHERE l.source IN ({placeholders})",
        list(ONE_ENTRY_PER_ADDRESS),
    ).fetchall()


VAGUE_SQL = (
    "(length(coalesce({t}.first_name, '')) < 2 AND {t}.dob IS NULL AND {t}.ni_number IS NULL)"
)


def housemates(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """Pairs of a vague record (no date of birth, NI number or full first name) and another
    record with its surname at its address (same UPRN or same address): the people it could
    be, so clustering can tell one candidate from several."""
    joins = [
        f"SELECT v.unique_id, o.unique_id FROM people v JOIN people o "  # noqa: S608 (fixed SQL)
        f"ON v.surname = o.surname AND v.{column} = o.{column} AND v.unique_id <> o.unique_id "
        f"WHERE {VAGUE_SQL.format(t='v')}"
        for column in ("uprn", "address_key")
    ]
    return con.execute(" UNION ".join(joins)).fetchall()


def records_link(
    *,
    progress: Progress = _quiet,
    u_pairs: float = 1e6,
    work_dir: Path | None = None,
    memory_limit: str = "3GB",
) -> RunResult:
    """Link every current source record: train, score, cluster, store links and persons.
    Persons keep their ids across runs when most of their records stay together; officers'
    decisions are obeyed and used as labels. Safe to re-run."""
    timings: dict[str, float] = {}
    start = time.monotonic()
    run = LinkageRun.objects.create()
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="records-link-") as tmp:
        tmp_path = Path(tmp)
        csv_path = tmp_path / "records.csv"
        progress("Reading source records from the database…")
        total = records_export(csv_path)
        timings["export"] = time.monotonic() - start
        # Small councils' data fits in memory, and an on-disk file costs writes and syncs
        # Splink's many small tables do not need (twice as long on a busy disk); large runs
        # stay on disk. Either way DuckDB spills to the temp directory past memory_limit.
        con = duckdb.connect(":memory:" if total < ON_DISK_FROM else str(tmp_path / "link.duckdb"))
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = '{tmp_path / 'spill'}'")
        con.execute("SET preserve_insertion_order = false")
        t = time.monotonic()
        duckdb_prepare(con, csv_path)
        progress(f"{total:,} records prepared; training the model…")
        rows = con.execute(
            "SELECT unique_id, source, record_id, first_name, middle_names, dob, ni_number, title "
            "FROM people"
        ).fetchall()
        key_to_id = {f"{source}:{record_id}": uid for uid, source, record_id, *_ in rows}
        profiles = {
            uid: profile_of(first, middle, dob, ni, title)
            for uid, _, _, first, middle, dob, ni, title in rows
        }
        ids = [r[0] for r in rows]
        del rows
        same, different = _decisions(key_to_id)
        apart = different + register_neighbours(con)
        linker = None
        if total >= MIN_RECORDS_TO_TRAIN:
            linker = linker_make(con, settings_make())
            try:
                model_train(linker, labels=same, u_pairs=u_pairs)
            except (ValueError, ZeroDivisionError) as error:  # degenerate data (no pairs)
                logger.warning("Training failed (%s); using the default model.", error)
                linker = None
        if linker is None:
            linker = linker_make(con, default_model())
        timings["train"] = time.monotonic() - t
        t = time.monotonic()
        progress("Scoring candidate pairs…")
        model = linker.misc.save_model_to_json()
        edges: list[tuple[float, int, int]] = []
        pair_rows: list[tuple] = []
        if total >= 2:
            predictions = linker.inference.predict(threshold_match_probability=STORE)
            names = [c["output_column_name"] for c in model["comparisons"]]
            gamma_cols = ", ".join(f"gamma_{n}" for n in names)
            pair_rows = con.execute(
                f"SELECT unique_id_l, unique_id_r, match_weight, match_probability, {gamma_cols} "  # noqa: S608 (column and table names are Splink's, not input)
                f"FROM {predictions.physical_name}"
            ).fetchall()
        timings["predict"] = time.monotonic() - t
        progress(f"{len(pair_rows):,} candidate links; clustering…")
        t = time.monotonic()
        for a, b, _, probability, *_ in pair_rows:
            pa, pb = profiles[a], profiles[b]
            if (probability >= CLUSTER or pa.vague or pb.vague) and profiles_compatible(pa, pb):
                edges.append((probability, a, b))
        clusters = cluster_records(
            ids, profiles, edges, same, apart, housemates=housemates(con), vague_threshold=STORE
        )
        timings["cluster"] = time.monotonic() - t
        con.close()
    timings["linkage"] = time.monotonic() - start
    timings["peak_rss_mb_after_linkage"] = _peak_rss_mb()
    t = time.monotonic()
    progress(f"Storing {len(set(clusters.values())):,} persons and their links…")
    record_person = _store(
        run, model, pair_rows, clusters, profiles, same, different, key_to_id, apart
    )
    timings["store"] = time.monotonic() - t
    timings["total"] = time.monotonic() - start
    timings["peak_rss_mb"] = _peak_rss_mb()
    run.finished_at = timezone.now()
    run.records = total
    run.model = model
    run.timings = {k: round(v, 2) for k, v in timings.items()}
    run.save()
    return RunResult(run=run, clusters=record_person, timings=timings)


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pair_status(a: int, b: int, probability: float, decided: Mapping[tuple[int, int], str]) -> str:
    decision = decided.get((a, b)) or decided.get((b, a))
    if decision == ReviewDecision.Decision.SAME:
        return Link.Status.ACCEPTED
    if decision == ReviewDecision.Decision.DIFFERENT:
        return Link.Status.REJECTED
    return Link.Status.LINKED if probability >= AUTO else Link.Status.REVIEW


class _SettledPairs:
    """Links between review and AUTO whose answer the other evidence already gives, so that
    officers see only open questions: two records of different persons whose other records
    clash (another date of birth, first name, title or NI number), or that one register lists
    twice at one address. (Links inside one person stay for review: joining a person through
    a chain of near-certain links was right only 95 times in 100, below AUTO's precision.)"""

    def __init__(self, clusters, profiles, apart) -> None:
        self.clusters, self.profiles = clusters, profiles
        self.apart_pairs = {frozenset(pair) for pair in apart or []}
        self.members: dict[int, list[int]] = defaultdict(list)
        for record, root in clusters.items():
            self.members[root].append(record)
        self._clash: dict[tuple[int, int], bool] = {}

    def apart(self, a: int, b: int) -> bool:
        if frozenset((a, b)) in self.apart_pairs:
            return True
        key = (self.clusters[a], self.clusters[b])
        if key not in self._clash:
            pa, pb = (
                {
                    (p.first, p.middles, p.dob, p.ni, p.sex): p
                    for p in map(self.profiles.get, self.members[k])
                }
                for k in key
            )
            self._clash[key] = not all(
                profiles_compatible(x, y) for x in pa.values() for y in pb.values()
            )
        return self._clash[key]


@transaction.atomic
def _store(
    run: LinkageRun,
    model: dict[str, Any],
    pair_rows: list[tuple],
    clusters: dict[int, int],
    profiles: dict[int, Profile],
    same: list[tuple[int, int]],
    different: list[tuple[int, int]],
    key_to_id: dict[str, int],
    apart: list[tuple[int, int]] | None = None,
) -> dict[int, int]:
    names = [c["output_column_name"] for c in model.get("comparisons", [])]
    decided = dict.fromkeys(same, ReviewDecision.Decision.SAME)
    decided.update(dict.fromkeys(different, ReviewDecision.Decision.DIFFERENT))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A run's result can always be computed again: a crash just after commit may
            # lose it, never leave it half-written, so the commit need not wait for the disk.
            cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("DELETE FROM records_link")
    links: list[tuple] = []
    settled = _SettledPairs(clusters, profiles, apart)
    for a, b, weight, probability, *gammas in pair_rows:
        together = clusters[a] == clusters[b]
        status = _pair_status(a, b, probability, decided)
        # Pairs the clustering refused (twins, Jr/Sr) and do not share a person are not kept
        # unless an officer decided them; links between two persons are offered for review.
        if status == Link.Status.LINKED and not together:
            status = Link.Status.REVIEW
        if status == Link.Status.REVIEW and not profiles_compatible(profiles[a], profiles[b]):
            continue
        if status == Link.Status.REVIEW and not together and settled.apart(a, b):
            continue
        links.append(
            (run.pk, a, b, weight, probability, dict(zip(names, gammas, strict=True)), status)
        )
    _links_write(links)
    run.links = len(links)
    run.for_review = sum(1 for row in links if row[-1] == Link.Status.REVIEW)

    # Person ids stay put: a cluster takes the id most of its records had, if still free.
    previous = dict(
        SourceRecord.objects.filter(retired_at__isnull=True).values_list("id", "person_id")
    )
    by_root: dict[int, list[int]] = defaultdict(list)
    for record, root in clusters.items():
        by_root[root].append(record)
    taken: set[int] = set()
    record_person: dict[int, int] = {}
    new_roots: list[int] = []
    for root, members in by_root.items():
        votes = Counter(previous.get(m) for m in members if previous.get(m))
        chosen = next((pid for pid, _ in votes.most_common() if pid not in taken), None)
        if chosen is None:
            new_roots.append(root)
            continue
        taken.add(chosen)
        for m in members:
            record_person[m] = chosen
    for root, person_id in zip(new_roots, _persons_create(len(new_roots)), strict=True):
        taken.add(person_id)
        for m in by_root[root]:
            record_person[m] = person_id
    changes = [(pid, rid) for rid, pid in record_person.items() if previous.get(rid) != pid]
    _persons_write(changes)
    SourceRecord.objects.filter(retired_at__isnull=False, person__isnull=False).update(person=None)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM records_person WHERE NOT EXISTS (SELECT 1 FROM records_sourcerecord r "
            "WHERE r.person_id = records_person.id)"
        )
    run.persons = len(by_root)
    return record_person


def _persons_create(count: int) -> list[int]:
    """Ids of `count` new persons (a person is only an id: its records hold the data)."""
    if not count:
        return []
    if connection.vendor == "postgresql":  # one statement instead of 400,000 ORM objects
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO records_person (created_at, updated_at) "
                "SELECT now(), now() FROM generate_series(1, %s) RETURNING id",
                [count],
            )
            return [row[0] for row in cursor.fetchall()]
    return [p.pk for p in Person.objects.bulk_create([Person() for _ in range(count)])]


def _links_write(links: list[tuple]) -> None:
    import json

    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY records_link (run_id, left_id, right_id, match_weight, match_probability, "
                "levels, status) FROM STDIN"
            ) as copy,
        ):
            for run_id, a, b, weight, probability, levels, status in links:
                copy.write_row((run_id, a, b, weight, probability, json.dumps(levels), status))
        return
    Link.objects.bulk_create(
        [
            Link(
                run_id=run_id,
                left_id=a,
                right_id=b,
                match_weight=weight,
                match_probability=probability,
                levels=levels,
                status=status,
            )
            for run_id, a, b, weight, probability, levels, status in links
        ],
        batch_size=2000,
    )


def _persons_write(changes: list[tuple[int, int]]) -> None:
    if not changes:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TEMP TABLE person_moves (rid bigint, pid bigint) ON COMMIT DROP")
            with cursor.cursor.copy("COPY person_moves (pid, rid) FROM STDIN") as copy:
                for row in changes:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE records_sourcerecord r SET person_id = m.pid FROM person_moves m "
                "WHERE r.id = m.rid"
            )
            cursor.execute("DROP TABLE person_moves")
            return
        cursor.executemany("UPDATE records_sourcerecord SET person_id = %s WHERE id = %s", changes)
