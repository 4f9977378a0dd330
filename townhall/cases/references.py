"""Readable case references like FT-2026-000123, unique per service prefix and year. Counted
by core's shared allocator (core/sequences.py), as permit numbers are: a PostgreSQL sequence per
prefix and year (a rolled-back case leaves a gap, which councils accept), on SQLite a locked
row of ReferenceSequence.
"""

from townhall.cases.models import Case, ReferenceSequence
from townhall.core.sequences import PREFIX_PATTERN, NumberSeries, next_number

__all__ = ["PREFIX_PATTERN", "reference_next"]

CASE_REFERENCES = NumberSeries(
    name="case_reference", counter=ReferenceSequence, issued=Case, field="reference"
)


def reference_next(*, prefix: str, year: int) -> str:
    """Issue the next reference for a prefix and year; never the same one twice."""
    if not PREFIX_PATTERN.match(prefix):
        raise ValueError(
            f"Reference prefix must be 2 to 4 capital letters or digits, starting with a letter, not {prefix!r}"
        )
    number = next_number(series=CASE_REFERENCES, prefix=prefix, year=year)
    return f"{prefix}-{year}-{number:06d}"
