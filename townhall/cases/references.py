"""Readable case references like FT-2026-000123, unique per service prefix and year."""

from django.db import IntegrityError, transaction

from townhall.cases.models import ReferenceSequence


def reference_next(*, prefix: str, year: int) -> str:
    """Issue the next reference for a prefix and year. Call it inside the caller's
    transaction: the sequence row stays locked until that commits, so numbers never repeat."""
    sequence = (
        ReferenceSequence.objects.select_for_update().filter(prefix=prefix, year=year).first()
    )
    if sequence is None:
        try:
            with transaction.atomic():
                ReferenceSequence.objects.create(prefix=prefix, year=year)
        except IntegrityError:
            pass  # another request created it first; lock theirs below
        sequence = ReferenceSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{sequence.last_number:06d}"
