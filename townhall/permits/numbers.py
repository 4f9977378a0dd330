"""Permit numbers like GWP-2027-000123: unique per scheme prefix and year, safe when many
payments are confirmed at once.

As with case references (cases/references.py), PostgreSQL gives each prefix and year its own
sequence (`nextval` never blocks and never repeats); SQLite, one writer at a time, keeps the
counter in PermitNumberSequence under a row lock.
"""

import re

from django.db import IntegrityError, ProgrammingError, connection, transaction

from townhall.permits.models import Permit, PermitNumberSequence

PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{1,3}$")


def _highest_issued(prefix: str, year: int) -> int:
    last = (
        Permit.objects.filter(number__startswith=f"{prefix}-{year}-")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    counter = PermitNumberSequence.objects.filter(prefix=prefix, year=year).first()
    return max(int(last.rsplit("-", 1)[1]) if last else 0, counter.last_number if counter else 0)


def _postgres_next(prefix: str, year: int) -> int:
    name = f"permit_number_{prefix.lower()}_{year}"
    with connection.cursor() as cursor:
        # Looked up every time, not remembered: a sequence created in a transaction that was
        # then rolled back is gone, and permits are few enough for one more small query.
        cursor.execute("SELECT to_regclass(%s)", [name])
        if cursor.fetchone()[0] is None:
            start = _highest_issued(prefix, year) + 1
            try:
                with transaction.atomic():
                    cursor.execute(f"CREATE SEQUENCE {name} START WITH {int(start)}")  # noqa: S608 (name from a checked prefix and an int year; start is an int)
            except (IntegrityError, ProgrammingError):
                pass  # another process created it first
        cursor.execute("SELECT nextval(%s)", [name])
        return cursor.fetchone()[0]


def _table_next(prefix: str, year: int) -> int:
    sequence = (
        PermitNumberSequence.objects.select_for_update().filter(prefix=prefix, year=year).first()
    )
    if sequence is None:
        try:
            with transaction.atomic():
                PermitNumberSequence.objects.create(
                    prefix=prefix, year=year, last_number=_highest_issued(prefix, year)
                )
        except IntegrityError:
            pass  # another request created it first; lock theirs below
        sequence = PermitNumberSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def permit_number_next(*, prefix: str, year: int) -> str:
    """The next permit number for a prefix and year; never the same one twice."""
    if not PREFIX_PATTERN.match(prefix):
        raise ValueError(f"Permit number prefix must be 2 to 4 capital letters, not {prefix!r}")
    if connection.vendor == "postgresql":
        number = _postgres_next(prefix, year)
    else:
        number = _table_next(prefix, year)
    return f"{prefix}-{year}-{number:06d}"
