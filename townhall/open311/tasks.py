"""Background work for the Open311 door."""

from django_tasks import task

from townhall.core.tasks import task_retries_declare
from townhall.open311.opening import submission_case_open

# Claimed before the default priority's tasks (the acknowledgement emails each opening
# queues among them): after a burst of posts, every case opens first and the emails follow,
# rather than each opening waiting behind the emails of the ones before it.
OPENING_PRIORITY = 50


@task(priority=OPENING_PRIORITY)
def open311_case_open(submission_id: int) -> str:
    """Open the case of a request accepted over Open311 (safe to run twice: one case each)."""
    case = submission_case_open(submission_id=submission_id)
    return case.reference if case is not None else "submission gone"


# The client holds this case's reference: opening it is retried on any error, with backoff
# (and the clock's sweep goes over what still has no case, see core/reconcile.py).
task_retries_declare(open311_case_open, attempts=8)
