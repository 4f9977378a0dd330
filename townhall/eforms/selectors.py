"""Reads of submissions that more than one place needs."""

from django.db.models import Count, Min

from townhall.core.tasks import Backlog
from townhall.eforms.models import Submission


def submissions_unopened() -> Backlog:
    """Forms sent (the resident was told so) whose case did not open, and the oldest's time:
    a case that failed to open in the request that stored the submission."""
    found = Submission.objects.filter(case__isnull=True).aggregate(
        count=Count("id"), oldest=Min("submitted_at")
    )
    return Backlog(found["count"], found["oldest"])
