"""The registry of operations a process's service task may call, by name.

A process names an operation (`spiffworkflow:serviceTaskOperator id="set_status"`), publishing
refuses unknown names (`process_version_validate` reads `OPERATIONS` at call time), and each
call runs in its own savepoint inside the case's transaction, so a failed operation leaves no
half-done change behind. Workflow's own operations are in `operations.py`; an app above
workflow (contractors) registers its own from its `AppConfig.ready`, so workflow never imports
it. Kept apart from the operations so that `services.py` can read the registry without
importing what the operations use (the tasks that import `services.py` back).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from townhall.cases.models import Case
from townhall.core.hooks import Registry


@dataclass
class OperationContext:
    case: Case
    instance: Any  # ProcessInstance (typed loosely: this module sits below workflow's models)
    task_id: str
    data: dict[str, Any]
    # An imported or demo-history case: its first steps tell nobody and leave its status to
    # the import (which sets the status history itself).
    quiet: bool = False

    def case_latest(self) -> Case:
        """The case as it is now: operations before this one may have changed it. (The case
        services lock and re-read it themselves, so an operation that only changes the case
        passes `ctx.case` straight on.)"""
        return Case.objects.select_related("team", "service").get(pk=self.case.pk)


OperationFn = Callable[..., dict[str, Any] | None]
# Looked up by name, never run all together; registering a name again replaces it.
OPERATIONS: Registry[OperationFn] = Registry("workflow operations")


def operation(name: str) -> Callable[[OperationFn], OperationFn]:
    """Register the decorated function as the operation `name`, which a process's service
    task calls (`spiffworkflow:serviceTaskOperator id="name"`)."""
    return OPERATIONS.registers(name)


class OperationError(Exception):
    """An operation could not do what the process asked; the message says why."""
