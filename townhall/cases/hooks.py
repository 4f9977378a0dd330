"""Hooks for apps above cases (the workflow engine, Open311) to react to a case's life, so
cases never imports them. Each hook runs inside the transaction of the change, with the case
row locked, so what it writes lands or rolls back with the case: a failing hook raises and
the change is undone (ErrorPolicy.RAISE)."""

from collections.abc import Callable
from typing import Any

from townhall.core.hooks import ErrorPolicy, Hook

CaseHook = Callable[..., Any]

# Called with case, answers and notify (keyword arguments) when a case is created.
CASE_CREATED: Hook[...] = Hook("case created", errors=ErrorPolicy.RAISE)
# Called with case, previous (the former status) and actor when a case's status changes.
CASE_STATUS_CHANGED: Hook[...] = Hook("case status changed", errors=ErrorPolicy.RAISE)


def case_hook_register(hooks: Hook[...], hook: CaseHook) -> CaseHook:
    """Add `hook` to one of the hooks above (once, however often apps are loaded: registering
    the same function again replaces it in its place)."""
    return hooks.register(hook)


def case_hooks_run(hooks: Hook[...], **kwargs: Any) -> None:
    """Run every hook registered on `hooks`, in order; the first failure propagates."""
    hooks.run(**kwargs)
