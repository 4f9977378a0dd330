"""Permit numbers like GWP-2027-000123: unique per scheme prefix and year, safe when many
payments are confirmed at once. Counted by core's shared allocator (core/sequences.py), as case
references are: a PostgreSQL sequence per prefix and year, on SQLite a locked row of
PermitNumberSequence.
"""

from townhall.core.sequences import PREFIX_PATTERN, NumberSeries, next_number
from townhall.permits.models import Permit, PermitNumberSequence

__all__ = ["PREFIX_PATTERN", "permit_number_next"]

PERMIT_NUMBERS = NumberSeries(
    name="permit_number", counter=PermitNumberSequence, issued=Permit, field="number"
)


def permit_number_next(*, prefix: str, year: int) -> str:
    """The next permit number for a prefix and year; never the same one twice."""
    if not PREFIX_PATTERN.match(prefix):
        raise ValueError(f"Permit number prefix must be 2 to 4 capital letters, not {prefix!r}")
    number = next_number(series=PERMIT_NUMBERS, prefix=prefix, year=year)
    return f"{prefix}-{year}-{number:06d}"
