"""The one registry mechanism every hook uses: order, replacing by name, the error policy."""

import logging

import pytest

from townhall.core.hooks import ErrorPolicy, Hook, Registry


def first(calls: list[str]) -> None:
    calls.append("first")


def second(calls: list[str]) -> None:
    calls.append("second")


def third(calls: list[str]) -> None:
    calls.append("third")


def broken(calls: list[str]) -> None:
    calls.append("broken")
    raise RuntimeError("the partner is down")


def test_a_hook_runs_its_entries_in_the_order_they_were_registered():
    hook: Hook[[list[str]]] = Hook("test", errors=ErrorPolicy.RAISE)
    for fn in (second, first, third):
        hook.register(fn)
    calls: list[str] = []

    hook.run(calls)

    assert calls == ["second", "first", "third"]


def test_registering_the_same_function_again_runs_it_once_in_its_first_place():
    hook: Hook[[list[str]]] = Hook("test", errors=ErrorPolicy.RAISE)
    hook.register(first)
    hook.register(second)
    hook.register(first)  # an app's ready() run a second time
    calls: list[str] = []

    hook.run(calls)

    assert calls == ["first", "second"]
    assert hook.names() == [f"{__name__}.first", f"{__name__}.second"]


def test_registering_a_name_again_replaces_that_entry_where_it_stands():
    hook: Hook[[list[str]]] = Hook("test", errors=ErrorPolicy.RAISE)
    hook.register(first, name="a")
    hook.register(second, name="b")
    hook.register(third, name="a")
    calls: list[str] = []

    hook.run(calls)

    assert calls == ["third", "second"]


def test_with_raise_the_first_failure_propagates_and_the_later_entries_do_not_run():
    hook: Hook[[list[str]]] = Hook("test", errors=ErrorPolicy.RAISE)
    for fn in (first, broken, second):
        hook.register(fn)
    calls: list[str] = []

    with pytest.raises(RuntimeError, match="the partner is down"):
        hook.run(calls)

    assert calls == ["first", "broken"]


def test_with_log_a_failure_is_logged_with_its_name_and_the_others_still_run(caplog):
    hook: Hook[[list[str]]] = Hook("receipts", errors=ErrorPolicy.LOG)
    for fn in (first, broken, second):
        hook.register(fn)
    calls: list[str] = []

    with caplog.at_level(logging.ERROR, logger="townhall.core.hooks"):
        hook.run(calls)

    assert calls == ["first", "broken", "second"]
    [record] = caplog.records
    assert "hook receipts" in record.getMessage() and "broken failed" in record.getMessage()
    assert record.exc_info is not None


def test_an_unknown_error_policy_is_refused():
    with pytest.raises(ValueError, match="'sometimes' is not a valid ErrorPolicy"):
        Hook("test", errors="sometimes")  # type: ignore[arg-type]


def test_a_lambda_without_a_name_is_refused_so_it_cannot_silently_replace_another():
    hook: Hook[[list[str]]] = Hook("test", errors=ErrorPolicy.RAISE)

    with pytest.raises(ValueError, match="register it with name="):
        hook.register(lambda calls: None)
    hook.register(lambda calls: calls.append("named"), name="named")
    calls: list[str] = []
    hook.run(calls)
    assert calls == ["named"]


def test_an_object_that_is_not_a_function_needs_a_name():
    registry: Registry[object] = Registry("things")

    with pytest.raises(ValueError, match="Cannot name 42"):
        registry.register(42)
    with pytest.raises(ValueError, match="needs a non-empty name"):
        registry.register(42, name="")


def test_bound_methods_of_two_objects_are_two_entries():
    class Queue:
        def __init__(self, label: str) -> None:
            self.label = label

        def enqueue(self, calls: list[str]) -> None:
            calls.append(self.label)

        def __repr__(self) -> str:
            return f"<Queue {self.label}>"

    hook: Hook[[list[str]]] = Hook("test", errors=ErrorPolicy.RAISE)
    hook.register(Queue("emails").enqueue)
    hook.register(Queue("texts").enqueue)
    calls: list[str] = []

    hook.run(calls)

    assert calls == ["emails", "texts"]


def test_a_registry_looks_entries_up_by_name_and_says_which_names_it_has():
    registry: Registry[int] = Registry("operations")
    registers = registry.registers("route")
    assert registers(1) == 1
    registry["assign_team"] = 2

    assert registry["route"] == 1 and registry.get("assign_team") == 2
    assert registry.get("missing") is None and "route" in registry
    assert registry.names() == ["route", "assign_team"] and registry.entries() == [1, 2]
    with pytest.raises(KeyError, match="operations has no entry named 'missing'.*route"):
        registry["missing"]
    with pytest.raises(KeyError, match="has no entry named 'missing'"):
        registry.unregister("missing")
    del registry["route"]
    assert registry.names() == ["assign_team"]
    registry.clear()
    assert registry.names() == []


def test_monkeypatch_swaps_one_entry_for_a_test_and_puts_it_back(monkeypatch):
    registry: Registry[int] = Registry("operations")
    registry.register(1, name="route")
    registry.register(2, name="assign_team")

    monkeypatch.setitem(registry, "route", 10)
    monkeypatch.setitem(registry, "new", 3)
    assert registry.entries() == [10, 2, 3]
    monkeypatch.undo()

    assert registry.names() == ["route", "assign_team"] and registry.entries() == [1, 2]
