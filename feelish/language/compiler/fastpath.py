"""What a generated fast path (codegen) is made of: its run-time helpers (the step and time
budgets, path steps, giving up), the inline forms of built-ins, and the keys that find a pure
subexpression written more than once."""
from __future__ import annotations

import datetime as _dt
import functools
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .. import ast, operators
from ..values import FLOAT_DECIMALS, SMALL_INTS, int_decimal
from .access import const_index, nth
from .state import MISSING, Limits
from .util import PLAIN_TYPES, clone, export, walk

NUMS = frozenset({Decimal, int, float})


class Bail(Exception):
    """Raised inside a fast path to give up (the generated function returns BAIL)."""


def bail():
    raise Bail


@functools.lru_cache(maxsize=64)
def runtime(limits: Limits) -> dict:
    """The helpers and shared values a generated function reads (cells of its closure); one set
    per distinct `Limits`, shared by every fast path under them (callers copy, never change it)."""
    max_steps, max_seconds = limits.max_steps, limits.max_seconds
    mono = time.monotonic
    get_property = operators.get_property

    def charge(acct: list, n: int, timed: bool) -> None:
        """The step budget and wall-clock budget, as `EvalContext.charge` counts them."""
        acct[0] += n
        if acct[0] > max_steps:
            raise Bail
        if timed:
            now = mono()
            if acct[1] is None:
                acct[1] = now + max_seconds
            elif now >= acct[1]:
                raise Bail

    def step(x: Any, key: str, acct: list) -> Any:
        """`x.key` for an `x` that is not a dict: null, a projection over a list, a property."""
        if x is None:
            return None
        if type(x) is list:
            if acct is None:
                raise Bail
            charge(acct, len(x), True)
            return [y.get(key) if type(y) is dict else (None if y is None else bail()) for y in x]
        if isinstance(x, (Mapping, list, tuple)):
            raise Bail  # mappings and sequences of other types: the closures' general walk
        return get_property(x, key)

    def index(x: Any, i: int) -> Any:
        if type(x) is list:
            return nth(x, i)
        if x is None:
            return None
        raise Bail

    def after_call(r: Any, acct: list) -> Any:
        if type(r) is list:
            charge(acct, len(r), False)
            return r
        raise Bail  # a long string: the closures check its size and charge it

    return {"charge": charge, "step": step, "index": index, "after_call": after_call,
            "bail": bail, "M": MISSING, "NUMS": NUMS, "PT": PLAIN_TYPES, "export": export,
            "clone": clone, "FD": FLOAT_DECIMALS, "Decimal": Decimal, "int_decimal": int_decimal, "SI": SMALL_INTS,
            "date_iso": _dt.date.fromisoformat}


STR1 = "type({0}) is str"
STR2 = "type({0}) is str and type({1}) is str"
#: (built-in, arity) -> [(guard, expression)]: the first steps of its implementation, written out
#: (tests/language/test_codegen.py checks each against the implementation itself)
INLINE: dict[tuple[str, int], list[tuple[str, str]]] = {
    ("string", 1): [(STR1, "{0}"), ("type({0}) is int and -10**18 < {0} < 10**18", "str({0})")],
    ("string length", 1): [(STR1, "int_decimal(len({0}))")],
    ("upper case", 1): [(STR1, "{0}.upper()")],
    ("lower case", 1): [(STR1, "{0}.lower()")],
    ("contains", 2): [(STR2, "{1} in {0}")],
    ("starts with", 2): [(STR2, "{0}.startswith({1})")],
    ("ends with", 2): [(STR2, "{0}.endswith({1})")],
    ("count", 1): [("type({0}) is list", "int_decimal(len({0}))")],
    # `YYYY-MM-DD` in ASCII digits, year 1..9999 (fromisoformat refuses year 0 and bad days)
    ("date", 1): [("type({0}) is str and len({0}) == 10 and {0}.isascii() and {0}[4] == '-' "
                   "and {0}[7] == '-' and ({0}[:4] + {0}[5:7] + {0}[8:]).isdigit()",
                   "date_iso({0})")],
}
def substring_case(name: str, consts: list) -> list[tuple[str, str]]:
    """`substring(s, 2, 3)` with whole literal positions: the slice, written out (the
    implementation's outcome for a string long enough to hold the start position)."""
    if name != "substring" or len(consts) not in (2, 3):
        return []
    pos = whole_literal(consts[1])
    count = whole_literal(consts[2]) if len(consts) == 3 else None
    if pos is None or pos == 0 or (len(consts) == 3 and (count is None or count < 0)):
        return []  # the implementation refuses it (or the closures decide): no inline form
    begin = str(pos - 1) if pos > 0 else f"len({{0}}) - {-pos}"
    end = "" if count is None else (str(pos - 1 + count) if pos > 0 else f"{begin} + {count}")
    return [(f"type({{0}}) is str and len({{0}}) >= {abs(pos)}", f"{{0}}[{begin}:{end}]")]


def whole_literal(k: Any) -> int | None:
    """The int of a literal Decimal position or length as the built-ins read it (truncated)."""
    if type(k) is Decimal and k.is_finite() and k.adjusted() < 18:
        return int(k)
    return None


#: built-ins whose results are never a list or a string (nothing to charge or measure)
NEVER_STR_OR_LIST = frozenset({"string length", "contains", "starts with", "ends with", "count",
                                "sum", "abs", "date", "duration", "is defined", "odd", "even"})


PURE_KINDS = (ast.Name, ast.Path, ast.Filter, ast.Arith, ast.Compare, ast.Negate)


def key_of(node: Any, keys: dict[int, tuple]) -> tuple | None:
    """A structural key of a pure subexpression (names, paths, literal indexes, arithmetic,
    comparisons over them and literals), or None; fills `keys` for every keyed node."""
    t = type(node)
    if t is ast.NumberLit:
        return ("n", str(node.value))
    if t in (ast.StringLit, ast.BoolLit):
        return (t.__name__, node.value)
    if t is ast.NullLit:
        return ("null",)
    if t is ast.Name:
        key: tuple | None = ("name", node.name)
    elif t is ast.Path:
        base = key_of(node.base, keys)
        key = None if base is None else ("path", base, node.name)
    elif t is ast.Filter:
        base = key_of(node.base, keys)
        i = const_index(node.condition)
        key = None if base is None or i is None else ("index", base, i)
    elif t in (ast.Arith, ast.Compare):
        a, b = key_of(node.left, keys), key_of(node.right, keys)
        key = None if a is None or b is None else (t.__name__, node.op, a, b)
    elif t is ast.Negate:
        a = key_of(node.operand, keys)
        key = None if a is None else ("neg", a)
    else:
        return None
    if key is not None:
        keys[id(node)] = key
    return key


def repeated(root: ast.Node) -> dict[int, tuple]:
    """id(node) -> key for the pure subexpressions written more than once."""
    keys: dict[int, tuple] = {}
    for node in walk(root):
        if type(node) in PURE_KINDS and id(node) not in keys:
            key_of(node, keys)
    counts: dict[tuple, int] = {}
    for key in keys.values():
        counts[key] = counts.get(key, 0) + 1
    return {i: key for i, key in keys.items() if counts[key] > 1}
