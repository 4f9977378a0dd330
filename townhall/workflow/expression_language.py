"""What the workflow expression language has: its limits, operators, functions, methods and
fields by type, and syntax nodes, with the refusals for anything else. `expressions` checks
and interprets expressions against this definition; the language itself is described there.
"""

import ast
import operator
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

MAX_SOURCE = 2000  # characters of one expression or script
MAX_LENGTH = 10_000  # items or characters of any one value the expression builds
MAX_BUILT = 200_000  # items or characters of all values one evaluation builds together
MAX_DIGITS = 30  # digits of any number, written or computed
MAX_EXPONENT = 64
TIME_LIMIT = 0.2  # seconds; a routing rule that takes longer is a defect


class ExpressionRefused(Exception):
    """An expression uses something outside the language, or costs more than it may."""


class ExpressionNameError(NameError):
    """An expression names a variable the data does not have (a process error, not an
    escape: the designer's condition reads an answer this case has not got)."""


def number_check(value: Any) -> Any:
    """`value`, refused if it is a number with more than MAX_DIGITS digits."""
    # 10**30 has 100 bits: checked by bits, so a huge number is never turned into text.
    if isinstance(value, int) and value.bit_length() > MAX_DIGITS * 10 // 3:
        raise ExpressionRefused(f"A number has more than {MAX_DIGITS} digits")
    return value


def value_length(value: Any) -> int:
    """How many items or characters `value` holds (0 for values without a length)."""
    try:
        return len(value) if isinstance(value, str | list | tuple | dict | set) else 0
    except TypeError:  # pragma: no cover - every type above has a length
        return 0


def size_check(size: int, what: str) -> None:
    """Refuse a value of `size` items or characters over MAX_LENGTH, naming `what`."""
    if size > MAX_LENGTH:
        raise ExpressionRefused(f"{what} would be longer than {MAX_LENGTH} items or characters")


def _multiply(a: Any, b: Any) -> Any:
    for sequence, times in ((a, b), (b, a)):
        if isinstance(sequence, str | list | tuple) and isinstance(times, int):
            size_check(len(sequence) * max(times, 0), "Repeating a value")
    return number_check(a * b)


def _add(a: Any, b: Any) -> Any:
    if isinstance(a, str | list | tuple) and isinstance(b, str | list | tuple):
        size_check(len(a) + len(b), "Joining two values")
    return number_check(a + b)


def _power(a: Any, b: Any) -> Any:
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        raise ExpressionRefused("Only numbers can be raised to a power")
    if abs(b) > MAX_EXPONENT or abs(a) > 10**6:
        raise ExpressionRefused(f"Powers are limited to exponents up to {MAX_EXPONENT}")
    return number_check(a**b)


def _contains(container: Any, item: Any) -> bool:
    return item in container


OPERATORS: dict[type, Callable[..., Any]] = {
    ast.Add: _add,
    ast.Sub: lambda a, b: number_check(a - b),
    ast.Mult: _multiply,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: lambda a, b: number_check(a % b) if not isinstance(a, str) else _no_format(),
    ast.Pow: _power,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Gt: operator.gt,
    ast.Lt: operator.lt,
    ast.GtE: operator.ge,
    ast.LtE: operator.le,
    ast.Not: operator.not_,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.In: lambda x, y: _contains(y, x),
    ast.NotIn: lambda x, y: not _contains(y, x),
    ast.Is: lambda x, y: x is y,
    ast.IsNot: lambda x, y: x is not y,
}


def _no_format() -> Any:
    # "%s" % value is the old formatting mini-language: `%*d` pads to any width.
    raise ExpressionRefused("Text formatting with % is not part of the expression language")


def _sum(values: Iterable[Any], start: Any = 0) -> Any:
    values = list(values)
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in [*values, start]):
        raise ExpressionRefused("sum() adds numbers only")
    return number_check(sum(values, start))


def _round(value: Any, digits: int = 0) -> Any:
    return round(value, max(min(int(digits), 10), -10)) if digits else round(value)


def _date(text: Any) -> date:
    """A date from ISO text ("2026-12-08"), or the date of an ISO date-time."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    try:
        return datetime.fromisoformat(str(text)).date()
    except ValueError as error:
        raise ExpressionRefused(
            f"date() needs an ISO date such as 2026-12-08, not {text!r}"
        ) from error


# Named functions every expression may call, besides the caller's helpers.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len,
    "min": min,
    "max": max,
    "sum": _sum,
    "abs": abs,
    "round": _round,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "sorted": sorted,
    "any": any,
    "all": all,
    "list": list,
    "tuple": tuple,
    "set": set,
    "date": _date,
}

_DATE_FIELDS = {"year", "month", "day", "weekday", "isoweekday", "isoformat"}
# Methods and fields by type; anything else is refused, whatever the object.
ATTRIBUTES: dict[type | None, set[str]] = {
    str: {
        "lower",
        "upper",
        "strip",
        "lstrip",
        "rstrip",
        "title",
        "capitalize",
        "casefold",
        "startswith",
        "endswith",
        "split",
        "rsplit",
        "count",
        "find",
        "isdigit",
        "isalpha",
        "isalnum",
        "isspace",
        "isupper",
        "islower",
        "removeprefix",
        "removesuffix",
        "replace",
        "join",
    },
    int: set(),
    float: {"is_integer"},
    bool: set(),
    type(None): set(),
    list: {"count", "index"},
    tuple: {"count", "index"},
    dict: {"get", "keys", "values", "items"},
    set: {"issubset", "issuperset", "isdisjoint", "union", "intersection", "difference"},
    date: _DATE_FIELDS,
    datetime: _DATE_FIELDS | {"hour", "minute", "date"},
    timedelta: {"days", "total_seconds"},
}
ALL_ATTRIBUTES = set().union(*ATTRIBUTES.values())

_OPERATOR_NODES = tuple(OPERATORS) + (ast.And, ast.Or)
ALLOWED_NODES = (
    ast.Expression,
    ast.Expr,
    ast.Module,
    ast.Assign,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Store,
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.keyword,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Set,
    ast.ListComp,
    ast.GeneratorExp,
    ast.DictComp,
    ast.comprehension,
    *_OPERATOR_NODES,
)
_NODE_WORDS = {
    "NamedExpr": "Assignment inside an expression (:=)",
    "JoinedStr": "An f-string",
    "FormattedValue": "An f-string",
    "Lambda": "lambda",
    "Starred": "Unpacking with *",
    "SetComp": "A set comprehension",
    "Import": "import",
    "ImportFrom": "import",
    "Await": "await",
    "Yield": "yield",
    "YieldFrom": "yield",
}


def node_refuse(node: ast.AST) -> None:
    """Refuse a syntax node outside the language, in words a designer knows."""
    name = type(node).__name__
    words = _NODE_WORDS.get(name, name)
    raise ExpressionRefused(f"{words} is not part of the expression language")
