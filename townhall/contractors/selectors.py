"""Reads about contractor jobs."""

from django.db.models import Prefetch, QuerySet

from townhall.contractors.models import ContractorEvent, ContractorJob


def jobs_for_case(case_id: int) -> QuerySet[ContractorJob]:
    """A case's jobs, newest first, with their contractor, outbox state and updates: 3 queries."""
    return (
        ContractorJob.objects.filter(case_id=case_id)
        .select_related("contractor__partner", "outbox")
        .prefetch_related(
            Prefetch("events", queryset=ContractorEvent.objects.order_by("occurred_at"))
        )
        .order_by("-created_at")
    )
