"""Readable case references like FT-2026-000123, unique per service prefix and year.

On PostgreSQL each prefix and year has its own database sequence: `nextval` never blocks,
so busy services do not queue behind one locked counter row (a rolled-back case leaves a
gap in the numbers, which councils accept). SQLite, which runs one writer at a time anyway,
keeps the counter in the ReferenceSequence table.
"""

import re

from django.db import IntegrityError, ProgrammingError, connection, transaction

from townhall.cases.models import Case, ReferenceSequence

PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{1,3}$")
_sequences_known: set[str] = set()


def _format(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def _highest_issued(prefix: str, year: int) -> int:
    """The highest number already used, so a new sequence carries on from it."""
    last = (
        Case.objects.filter(reference__startswith=f"{prefix}-{year}-")
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    counter = ReferenceSequence.objects.filter(prefix=prefix, year=year).first()
    return max(int(last.rsplit("-", 1)[1]) if last else 0, counter.last_number if counter else 0)


def _postgres_next(prefix: str, year: int) -> int:
    name = f"case_reference_{prefix.lower()}_{year}"
    with connection.cursor() as cursor:
        if name not in _sequences_known:
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is None:
                start = _highest_issued(prefix, year) + 1
                try:
                    with transaction.atomic():
                        # name and start are built from validated values, not user input
                        cursor.execute(f"CREATE SEQUENCE {name} START WITH {int(start)}")  # noqa: S608 (sequence name built from a service prefix and year we check; start is an int)
                except (IntegrityError, ProgrammingError):
                    pass  # another process created it first
                # Known once the creating transaction commits: rolled back (a case refused
                # in its savepoint, a booking whose date was taken), the sequence goes too.
                transaction.on_commit(lambda: _sequences_known.add(name))
            else:
                _sequences_known.add(name)
        cursor.execute("SELECT nextval(%s)", [name])
        return cursor.fetchone()[0]


def _table_next(prefix: str, year: int) -> int:
    sequence = (
        ReferenceSequence.objects.select_for_update().filter(prefix=prefix, year=year).first()
    )
    if sequence is None:
        try:
            with transaction.atomic():
                ReferenceSequence.objects.create(
                    prefix=prefix, year=year, last_number=_highest_issued(prefix, year)
                )
        except IntegrityError:
            pass  # another request created it first; lock theirs below
        sequence = ReferenceSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def reference_next(*, prefix: str, year: int) -> str:
    """Issue the next reference for a prefix and year; never the same one twice."""
    if not PREFIX_PATTERN.match(prefix):
        raise ValueError(
            f"Reference prefix must be 2 to 4 capital letters or digits, starting with a letter, not {prefix!r}"
        )
    if connection.vendor == "postgresql":
        return _format(prefix, year, _postgres_next(prefix, year))
    return _format(prefix, year, _table_next(prefix, year))


def reference_cache_clear() -> None:
    """Forget which sequences exist (tests roll back the DDL that created them)."""
    _sequences_known.clear()
