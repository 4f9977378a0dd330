"""One way for a lower app to let a higher one join in: a named, ordered registry.

Imports point down (docs/architecture.md, "Floors"), so when cases, payments, Notify's receipts,
accounts, core or the workflow engine must make something happen in an app above them, they
offer a `Registry` (entries looked up or listed: operations by name, reconcilers) or a `Hook`
(callables all run in order when something happens: a case created, a payment paid), and the
upper app fills it from its `AppConfig.ready()`. Having one class means every hook behaves the
same way:

- entries run (or list) in the order they were registered;
- each entry has a name (given, or the function's dotted name); registering a name again
  replaces the entry in its place, so an app loaded twice (tests, `django.setup()` again) never
  runs its hook twice; `registry[name] = entry` and `del registry[name]` do the same, so a test
  swaps or removes one entry with pytest's `monkeypatch.setitem`/`delitem` (undone after it);
- a registry that must hold one entry (one email sender) registers it under one fixed name;
- each hook states its error policy when it is made: `RAISE` lets the first failure propagate
  (the caller's transaction rolls back, the entries after it do not run), `LOG` logs the failure
  with its traceback and runs the others.
"""

import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Generic, ParamSpec, TypeVar, overload

log = logging.getLogger(__name__)

T = TypeVar("T")
D = TypeVar("D")
P = ParamSpec("P")


class ErrorPolicy(StrEnum):
    # The hook is part of the change: a failure must undo the change, so it propagates.
    RAISE = "raise"
    # The hook is a side effect the change must not depend on: logged, and the rest run.
    LOG = "log"


def _default_name(entry: object) -> str:
    """The dotted name of a function (or of a bound method and its object), so registering the
    same function again replaces it rather than adding it twice."""
    func = getattr(entry, "__func__", entry)
    qualname = getattr(func, "__qualname__", None)
    module = getattr(func, "__module__", None)
    if not qualname or not module:
        raise ValueError(
            f"Cannot name {entry!r}: register it with name=... (only functions and methods "
            "are named for you)."
        )
    if qualname.endswith("<lambda>"):
        raise ValueError(
            f"A lambda from {module} has no name of its own: register it with name=... so a "
            "second lambda does not silently replace it."
        )
    name = f"{module}.{qualname}"
    bound_to = getattr(entry, "__self__", None)
    return name if bound_to is None else f"{name} of {bound_to!r}"


class Registry(Generic[T]):
    """Named entries in the order they were registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, T] = {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}: {', '.join(self._entries) or 'empty'}>"

    def register(self, entry: T, *, name: str | None = None) -> T:
        """Add `entry` under `name` (by default the function's dotted name), or replace the
        entry of that name where it stands; return `entry`, so it can be used as a decorator."""
        key = name if name is not None else _default_name(entry)
        if not key:
            raise ValueError(f"An entry of {self.name} needs a non-empty name.")
        self._entries[key] = entry  # a dict keeps the first position of a replaced key
        return entry

    def registers(self, name: str) -> Callable[[T], T]:
        """A decorator registering the decorated object as `name`."""

        def register(entry: T) -> T:
            return self.register(entry, name=name)

        return register

    def unregister(self, name: str) -> None:
        """Remove the entry `name`; a name never registered is a mistake, said as such."""
        self[name]  # raises the KeyError that lists the names there are
        del self._entries[name]

    @overload
    def get(self, name: str) -> T | None: ...
    @overload
    def get(self, name: str, default: D) -> T | D: ...
    def get(self, name: str, default: object = None) -> object:
        """The entry `name`, or `default` when nothing is registered under it."""
        return self._entries.get(name, default)

    def names(self) -> list[str]:
        return list(self._entries)

    def entries(self) -> list[T]:
        return list(self._entries.values())

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def clear(self) -> None:
        """Forget every entry (for tests that want a hook empty)."""
        self._entries.clear()

    def __getitem__(self, name: str) -> T:
        if name not in self._entries:
            raise KeyError(f"{self.name} has no entry named {name!r} (it has: {self._known()}).")
        return self._entries[name]

    def __setitem__(self, name: str, entry: T) -> None:
        self.register(entry, name=name)

    def __delitem__(self, name: str) -> None:
        self.unregister(name)

    def _known(self) -> str:
        return ", ".join(self._entries) or "nothing"


class Hook(Registry[Callable[P, object]]):
    """A registry of callables that all run, in order, each with the same arguments, when the
    offering app says so; `errors` says what a failing one does (see ErrorPolicy)."""

    def __init__(self, name: str, *, errors: ErrorPolicy) -> None:
        super().__init__(name)
        self.errors = ErrorPolicy(errors)

    def run(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every entry in order with these arguments, under the hook's error policy."""
        for name, entry in list(self._entries.items()):
            try:
                entry(*args, **kwargs)
            except Exception:
                if self.errors is ErrorPolicy.RAISE:
                    raise
                log.exception("hook %s: %s failed; the others still run", self.name, name)
