"""Numbers counted per prefix and year, for readable identifiers like FT-2026-000123 (case
references) and GWP-2026-000001 (permit numbers): never the same number twice, even when many
are issued at the same moment.

On PostgreSQL each series, prefix and year has its own database sequence: `nextval` never
blocks, so busy services do not queue behind one locked counter row (a rolled-back write leaves
a gap in the numbers, which councils accept). SQLite, which runs one writer at a time anyway,
keeps the counter in a row of the series' counter table, locked while it is raised.

A series names its sequences (`name`), the table of its SQLite counters (`counter`: fields
prefix, year, last_number) and where its identifiers are stored (`issued`, `field`), so a new
counter carries on after identifiers already issued. The sequences are made when first needed,
not in a migration, and keep the names they had before this module was shared.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, ProgrammingError, connection, models, transaction

PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{1,3}$")
_NAME_PATTERN = re.compile(r"^[a-z][a-z_]{1,40}$")

# Sequences seen to exist in committed data: the next number skips one query for them.
_sequences_known: set[str] = set()


@dataclass(frozen=True)
class NumberSeries:
    """One kind of numbered identifier: its sequences' names and where its counters and
    identifiers are kept."""

    name: str
    counter: type[models.Model]
    issued: type[models.Model]
    field: str

    def __post_init__(self) -> None:
        if not _NAME_PATTERN.match(self.name):
            raise ValueError(f"A number series name must be lower-case letters, not {self.name!r}")

    def highest_issued(self, prefix: str, year: int) -> int:
        """The highest number already used, so a new counter carries on from it."""
        issued: Any = self.issued
        last = (
            issued._default_manager.filter(**{f"{self.field}__startswith": f"{prefix}-{year}-"})
            .order_by(f"-{self.field}")
            .values_list(self.field, flat=True)
            .first()
        )
        counter: Any = self.counter
        row = counter._default_manager.filter(prefix=prefix, year=year).first()
        return max(int(last.rsplit("-", 1)[1]) if last else 0, row.last_number if row else 0)


def _postgres_next(series: NumberSeries, prefix: str, year: int) -> int:
    name = f"{series.name}_{prefix.lower()}_{year}"
    with connection.cursor() as cursor:
        if name not in _sequences_known:
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is None:
                start = series.highest_issued(prefix, year) + 1
                try:
                    with transaction.atomic():
                        cursor.execute(f"CREATE SEQUENCE {name} START WITH {int(start)}")  # noqa: S608 (name from a checked series name, prefix and an int year; start is an int)
                except (IntegrityError, ProgrammingError):
                    pass  # another process created it first
            # Known only once this transaction commits: the sequence may have been created
            # in it (here or by an earlier call), and a rollback (a case refused in its
            # savepoint, a booking whose date was taken) takes the sequence with it.
            transaction.on_commit(lambda: _sequences_known.add(name))
        cursor.execute("SELECT nextval(%s)", [name])
        return int(cursor.fetchone()[0])


def _table_next(series: NumberSeries, prefix: str, year: int) -> int:
    counters: Any = series.counter._default_manager
    row = counters.select_for_update().filter(prefix=prefix, year=year).first()
    if row is None:
        try:
            with transaction.atomic():
                counters.create(
                    prefix=prefix, year=year, last_number=series.highest_issued(prefix, year)
                )
        except IntegrityError:
            pass  # another request created it first; lock theirs below
        row = counters.select_for_update().get(prefix=prefix, year=year)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return int(row.last_number)


def next_number(*, series: NumberSeries, prefix: str, year: int) -> int:
    """The next number of a series for a prefix and year; never the same one twice."""
    if not PREFIX_PATTERN.match(prefix):
        raise ValueError(
            f"The prefix must be 2 to 4 capital letters or digits, starting with a letter, not {prefix!r}"
        )
    if connection.vendor == "postgresql":
        return _postgres_next(series, prefix, year)
    return _table_next(series, prefix, year)


def sequences_forget() -> None:
    """Forget which sequences exist (tests roll back the DDL that created them)."""
    _sequences_known.clear()
