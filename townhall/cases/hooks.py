"""Hooks for apps above cases (the workflow engine) to react to a case's life, so cases never
imports them. Each hook runs inside the transaction of the change, with the case row locked,
so what it writes lands or rolls back with the case."""

from collections.abc import Callable
from typing import Any

CaseHook = Callable[..., Any]

CASE_CREATED: list[CaseHook] = []
CASE_STATUS_CHANGED: list[CaseHook] = []


def case_hook_register(hooks: list[CaseHook], hook: CaseHook) -> CaseHook:
    """Add `hook` to one of the lists above (once, however often apps are loaded)."""
    if hook not in hooks:
        hooks.append(hook)
    return hook


def case_hooks_run(hooks: list[CaseHook], **kwargs: Any) -> None:
    for hook in list(hooks):
        hook(**kwargs)
