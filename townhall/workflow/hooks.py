"""How the workflow joins in without lower apps importing it: a case's process starts in the
transaction that creates the case (a `cases` hook), and a case closed by hand stops its
process."""

from typing import Any

from townhall.cases.hooks import CASE_CREATED, CASE_STATUS_CHANGED, case_hook_register
from townhall.cases.models import Case
from townhall.workflow.driver import driving_ids
from townhall.workflow.services import process_cancel, process_start


def _case_created(
    *, case: Any, answers: dict[str, Any], notify: bool = True, **kwargs: Any
) -> None:
    process_start(case=case, answers=answers, quiet=not notify, just_created=True)


def _case_status_changed(*, case: Any, previous: str, actor: Any = None, **kwargs: Any) -> None:
    if case.status != Case.Status.CLOSED or case.pk in driving_ids():
        return  # the process closed it itself, or the case is still open
    process_cancel(case=case, reason="The case was closed by hand.")


def register() -> None:
    case_hook_register(CASE_CREATED, _case_created)
    case_hook_register(CASE_STATUS_CHANGED, _case_status_changed)
