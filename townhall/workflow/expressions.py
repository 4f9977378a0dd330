"""The expression language of designer-written conditions, decision-table entries, task
properties and scripts: an interpreter, not Python's `eval`.

A service designer is trusted to route cases, not to run code on the server, so what they
write is walked node by node by simpleeval (a well-kept, small interpreter over Python's
syntax tree) with its features narrowed to a documented language:

- literals (numbers, text, True/False/None), lists, tuples, dicts, sets;
- arithmetic `+ - * / // % **`, comparisons (chained too), `in`, `not in`, `is`,
  `and`, `or`, `not`, and `a if test else b`;
- list and dict comprehensions (evaluated at once, never as generator objects);
- the functions in `FUNCTIONS` and the helpers the caller passes (e.g. `working_days_after`);
- the methods and fields in `ATTRIBUTES`, by type: nothing else, so no frames, no
  generators' internals, no `format` mini-language, no dunder names, attributes or keys.

The interpreter, not a trace hook, bounds what an expression may cost: every value it
builds is at most `MAX_LENGTH` long, all values built together at most `MAX_BUILT`, numbers
at most `MAX_DIGITS` digits, and it stops after `TIME_LIMIT` seconds. Text is repeated,
joined or replaced only after the size of the result is known to fit.

Scripts are a list of `name = expression` lines, each evaluated in this language.

`expression_check` refuses at publish time whatever the language has not got, with the
reason; `expression_evaluate` refuses the same at run time (values are only known then).
The limits, functions, attributes and syntax nodes named here are defined in
`expression_language`; this module checks and interprets expressions against them.
"""

import ast
import threading
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import simpleeval

from townhall.workflow.expression_language import (
    ALL_ATTRIBUTES,
    ALLOWED_NODES,
    ATTRIBUTES,
    FUNCTIONS,
    MAX_BUILT,
    MAX_LENGTH,
    MAX_SOURCE,
    OPERATORS,
    TIME_LIMIT,
    ExpressionNameError,
    ExpressionRefused,
    node_refuse,
    number_check,
    size_check,
    value_length,
)


def _check_tree(tree: ast.AST, functions: Iterable[str] | None) -> None:
    known = set(FUNCTIONS) | set(functions or ())
    for node in ast.walk(tree):
        if not isinstance(node, ALLOWED_NODES):
            node_refuse(node)
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionRefused(
                f"The name {node.id!r} is not allowed (names may not start with _)"
            )
        if isinstance(node, ast.Attribute) and node.attr not in ALL_ATTRIBUTES:
            raise ExpressionRefused(
                f"The attribute {node.attr!r} is not part of the expression language"
            )
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                if functions is not None and node.func.id not in known:
                    raise ExpressionRefused(
                        f"There is no function {node.func.id!r} in the expression language"
                    )
            elif not isinstance(node.func, ast.Attribute):
                raise ExpressionRefused("Only named functions and methods can be called")
            if any(k.arg is None for k in node.keywords):
                raise ExpressionRefused("Unpacking with ** is not part of the expression language")
        if isinstance(node, ast.Dict) and any(key is None for key in node.keys):
            raise ExpressionRefused("Unpacking with ** is not part of the expression language")
        if isinstance(node, ast.Subscript):
            key = node.slice
            if (
                isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and key.value.startswith("__")
            ):
                raise ExpressionRefused(
                    f"The key {key.value!r} is not allowed (keys may not start with __)"
                )
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, str | bytes) and len(value) > MAX_LENGTH:
                raise ExpressionRefused("A text constant is too long")
            if isinstance(value, bytes | complex) or value is Ellipsis:
                raise ExpressionRefused(
                    f"{type(value).__name__} values are not part of the language"
                )
            number_check(value)
        if isinstance(node, ast.Assign) and (
            len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name)
        ):
            raise ExpressionRefused("A script line sets one name: `name = expression`")


def expression_check(
    source: str, *, mode: str = "eval", functions: Iterable[str] | None = None
) -> ast.AST:
    """Parse `source` (an expression, or with mode="exec" a script of `name = expression`
    lines) and refuse anything outside the language, naming it. `functions` are the
    helpers' names the caller will offer; when given, calls to any other name are refused
    too. Returns the syntax tree."""
    if not isinstance(source, str):
        raise ExpressionRefused("An expression must be text")
    if len(source) > MAX_SOURCE:
        raise ExpressionRefused(f"Expression is longer than {MAX_SOURCE} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval" if mode == "eval" else "exec")
    except SyntaxError as error:
        raise ExpressionRefused(f"Expression does not parse: {error.msg}") from error
    if isinstance(tree, ast.Module) and any(not isinstance(s, ast.Assign) for s in tree.body):
        raise ExpressionRefused("A script line sets one name: `name = expression`")
    _check_tree(tree, functions)
    _constants_try(tree)
    return tree


def _constants_try(tree: ast.AST) -> None:
    """Evaluate now every part built from literals alone (`"x" * 100000`, `2 ** 1000`,
    `1 / 0`), so that what would fail at run time whatever the data is refused at publish
    time. The same interpreter and limits apply, so this costs at most its time limit."""

    def literal_only(node: ast.AST) -> bool:
        return all(
            not isinstance(n, ast.Name) or (n.id in FUNCTIONS and isinstance(n.ctx, ast.Load))
            for n in ast.walk(node)
        ) and not any(isinstance(n, ast.comprehension) for n in ast.walk(node))

    def visit(node: ast.AST) -> None:
        computed = isinstance(node, ast.expr) and not isinstance(node, ast.Constant | ast.Name)
        if computed and literal_only(node):
            try:
                _run(node, {}, dict(FUNCTIONS))
            except ExpressionRefused:
                raise
            except Exception as error:
                raise ExpressionRefused(
                    f"Part of the expression always fails: {type(error).__name__}: {error}"
                ) from error
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)


@lru_cache(maxsize=4096)
def _parsed(source: str, mode: str) -> ast.AST:
    return expression_check(source, mode=mode)


# ----------------------------------------------------------------------------------------
# The interpreter


class _Interpreter(simpleeval.EvalWithCompoundTypes):
    """simpleeval with our operators, functions and attributes only, a clock and a budget
    checked at every node. One per thread: simpleeval's comprehensions swap its name
    handler while they run."""

    def __init__(self) -> None:
        super().__init__(operators=OPERATORS, functions={}, names={}, allowed_attrs=ATTRIBUTES)
        self.ATTR_INDEX_FALLBACK = False  # `d.key` is not `d["key"]`: one way to read a key
        self.nodes.pop(ast.JoinedStr, None)
        self.nodes.pop(ast.FormattedValue, None)
        self.deadline = 0.0
        self.built = 0

    def start(self, names: dict[str, Any], functions: dict[str, Callable[..., Any]]) -> None:
        self.names = names
        self.functions = functions
        self.deadline = time.monotonic() + TIME_LIMIT
        self.built = 0
        self._max_count = 0

    def _eval(self, node: ast.AST) -> Any:
        if time.monotonic() > self.deadline:
            raise ExpressionRefused(f"Expression took longer than {TIME_LIMIT} s")
        if not isinstance(node, ALLOWED_NODES):
            node_refuse(node)
        result = super()._eval(node)
        if not isinstance(node, ast.Name | ast.Constant):
            size = value_length(result)
            size_check(size, "A value")
            self.built += size
            if self.built > MAX_BUILT:
                raise ExpressionRefused(
                    f"Expression builds more than {MAX_BUILT} items or characters"
                )
            number_check(result)
        return result

    def _eval_name(self, node: ast.Name) -> Any:
        if node.id.startswith("_"):
            raise ExpressionRefused(
                f"The name {node.id!r} is not allowed (names may not start with _)"
            )
        return super()._eval_name(node)

    def _eval_subscript(self, node: ast.Subscript) -> Any:
        container = self._eval(node.value)
        key = self._eval(node.slice)
        if not isinstance(container, str | list | tuple | dict):
            raise ExpressionRefused(f"A {type(container).__name__} cannot be indexed")
        if isinstance(key, str) and key.startswith("__"):
            raise ExpressionRefused(f"The key {key!r} is not allowed (keys may not start with __)")
        return container[key]

    def _eval_attribute(self, node: ast.Attribute) -> Any:
        if node.attr not in ALL_ATTRIBUTES:
            raise ExpressionRefused(
                f"The attribute {node.attr!r} is not part of the expression language"
            )
        value = super()._eval_attribute(node)
        if node.attr == "replace":
            return _bounded_replace(value)
        if node.attr == "join":
            return _bounded_join(value)
        return value


def _bounded_replace(method: Callable[..., str]) -> Callable[..., str]:
    text: str = method.__self__  # type: ignore[attr-defined]

    def replace(old: str, new: str, count: int = -1) -> str:
        times = text.count(old) if old else len(text) + 1
        if count >= 0:
            times = min(times, count)
        size_check(len(text) + times * max(len(new) - len(old), 0), "Replacing text")
        return text.replace(old, new, count)

    return replace


def _bounded_join(method: Callable[..., str]) -> Callable[..., str]:
    separator: str = method.__self__  # type: ignore[attr-defined]

    def join(items: Iterable[str]) -> str:
        items = list(items)
        size_check(
            sum(value_length(i) for i in items) + len(separator) * max(len(items) - 1, 0),
            "Joining text",
        )
        return separator.join(items)

    return join


_local = threading.local()


def _interpreter() -> _Interpreter:
    interpreter = getattr(_local, "interpreter", None)
    if interpreter is None:
        interpreter = _local.interpreter = _Interpreter()
    return interpreter


def _functions(helpers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Helpers split into functions (callables) and plain values (names)."""
    functions = dict(FUNCTIONS)
    values = {}
    for name, helper in helpers.items():
        if name.startswith("_"):
            continue
        if callable(helper):
            functions[name] = helper
        else:
            values[name] = helper
    return functions, values


def _run(tree: ast.AST, names: dict[str, Any], functions: dict[str, Any]) -> Any:
    interpreter = _interpreter()
    interpreter.start(names, functions)
    try:
        return interpreter._eval(tree)
    except ExpressionRefused:
        raise
    except simpleeval.NameNotDefined as error:
        raise ExpressionNameError(f"The name {error.name!r} is not defined") from error
    except simpleeval.FunctionNotDefined as error:
        raise ExpressionRefused(
            f"There is no function {error.func_name!r} in the expression language"
        ) from error
    except simpleeval.InvalidExpression as error:
        raise ExpressionRefused(str(error)) from error
    except RecursionError as error:
        raise ExpressionRefused("Expression is nested too deeply") from error
    except MemoryError as error:  # pragma: no cover - the budget stops it first
        raise ExpressionRefused("Expression needs too much memory") from error


def expression_evaluate(source: str, data: dict[str, Any], helpers: dict[str, Any]) -> Any:
    """Evaluate one designer-written expression against `data` (task data: answers, case
    fields) with `helpers` (functions such as `working_days_after`). Returns its value;
    raises ExpressionRefused for anything outside the language or over its limits, and
    ExpressionNameError for a name `data` has not got. This is the only way Townhall
    evaluates what a designer wrote."""
    tree = _parsed(source, "eval")
    functions, values = _functions(helpers)
    return _run(tree.body, {**values, **data}, functions)  # type: ignore[attr-defined]


def script_run(source: str, data: dict[str, Any], helpers: dict[str, Any]) -> dict[str, Any]:
    """Run a script (`name = expression` lines, in order, each line seeing the names set
    above it) and return the names it set."""
    tree = _parsed(source, "exec")
    functions, values = _functions(helpers)
    names = {**values, **data}
    changed: dict[str, Any] = {}
    for line in tree.body:  # type: ignore[attr-defined]
        value = _run(line.value, names, functions)
        target = line.targets[0].id
        names[target] = changed[target] = value
    return changed
