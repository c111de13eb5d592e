"""Small helpers shared by the compiler modules: constants, AST walking, number checks."""
from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator
from decimal import Decimal

from .. import ast
from .state import MISSING
from ..values import SMALL_HI, SMALL_INTS, SMALL_LO, small_int, to_decimal
from ...records import field_types

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def clone(value: Any) -> Any:
    """A fresh copy of the lists and dicts in a folded constant (scalars are immutable)."""
    t = type(value)
    if t is list:
        return [clone(v) for v in value]
    if t is dict:
        return {k: clone(v) for k, v in value.items()}
    return value


def constant(value: Any):
    """A closure that returns `value`; `.const` lets parents fold it.

    A folded list or context is copied at each evaluation, so a caller that mutates a result can
    never change what the next evaluation returns.
    """
    if type(value) is list or type(value) is dict:
        def const_container(s, c):
            return clone(value)
        const_container.const = value  # type: ignore[attr-defined]
        const_container.plain = export(value) is value  # type: ignore[attr-defined]
        return charged(const_container, _size(value), None)

    def const(s, c):
        return value
    const.const = value  # type: ignore[attr-defined]
    const.plain = export(value) is value  # type: ignore[attr-defined]
    return const


#: a list or context (literal or folded) or a call with at least this many parts is charged its
#: size against the step budget each time it is built: the budget counts work, not iterations
CHARGE_FROM = 32


def charged(fn, size: int, span):
    """`fn`, charging `size` steps per evaluation when `size >= CHARGE_FROM` (else `fn` itself,
    so small nodes pay nothing); the closure's marks (`const`, `plain`, ...) are kept."""
    if size < CHARGE_FROM:
        return fn

    def charging(s, c):
        c.charge(size, span)
        return fn(s, c)
    charging.__dict__.update(fn.__dict__)
    ex = getattr(fn, "exported", None)
    if ex is not None:
        charging.exported = charged(ex, size, span)  # type: ignore[attr-defined]
    return charging


def _size(value: Any) -> int:
    """Entries in a container, nested ones included (what cloning it builds)."""
    total = len(value)
    for item in (value.values() if type(value) is dict else value):
        if type(item) is list or type(item) is dict:
            total += _size(item)
    return total


def plain(fn):
    """Mark a closure whose results never need `export` (Decimal, str, bool, None, temporal, or
    containers built only of such values): the exporting top level returns them as they are."""
    fn.plain = True
    return fn


def exported_of(fn):
    """A closure returning `export(fn(s, c))`, as cheap as the shape of `fn` allows.

    A closure marked `plain` needs nothing; one that offers `.exported` (a variable, a path, a
    context or list literal) knows how to export its own result; anything else is wrapped.
    """
    if getattr(fn, "plain", False):
        return fn
    ex = getattr(fn, "exported", None)
    if ex is not None:
        return ex

    def exporting(s, c):
        v = fn(s, c)
        return v if type(v) in PLAIN_TYPES else export(v)
    return exporting


PLAIN_TYPES = frozenset({str, Decimal, bool, type(None)})


def export(value: Any) -> Any:
    """Normalise a result for the host: int/float -> Decimal, tuple -> list, keys -> str.

    Copy-on-write: containers that need no change are returned as they are (a result may share
    structure with the variables passed in), so exporting a large host document costs one walk.
    """
    t = type(value)
    if t in PLAIN_TYPES:
        return value
    if t is int:
        return Decimal(value)
    if t is float:
        return to_decimal(value)
    if t is list:
        out = None
        for i, item in enumerate(value):
            new = item if type(item) in PLAIN_TYPES else export(item)
            if out is None:
                if new is item:
                    continue
                out = value[:i]
            out.append(new)
        return value if out is None else out
    if t is dict:
        out_d = None
        for i, (key, item) in enumerate(value.items()):
            new = item if type(item) in PLAIN_TYPES else export(item)
            if out_d is None:
                if new is item and type(key) is str:
                    continue
                out_d = dict(itertools.islice(value.items(), i))
            out_d[str(key)] = new
        return value if out_d is None else out_d
    if isinstance(value, (tuple, list)):
        return [export(v) for v in value]
    if isinstance(value, dict):
        return {str(k): export(v) for k, v in value.items()}
    return value


# ranges slice the table of shared small Decimals
_LO, _HI, _SMALL = SMALL_LO, SMALL_HI, SMALL_INTS


def small_decimals(r: range) -> list[Decimal] | None:
    """The whole numbers of `r` as shared Decimals (exponent 0), in order; None when `r` leaves
    the table (-256..4095)."""
    if not r:
        return []
    if _LO <= min(r[0], r[-1]) and max(r[0], r[-1]) < _HI:
        first, last, step = r[0] - _LO, r[-1] - _LO, r.step
        if step > 0:
            return list(_SMALL[first:last + 1:step])
        return list(_SMALL[first:(last - 1 if last > 0 else None):step])
    return None


def decimals(r: range) -> list[Decimal]:
    """The whole numbers of `r` as Decimals (exponent 0), in order."""
    small = small_decimals(r)
    return list(map(Decimal, r)) if small is None else small


def const_of(fn) -> Any:
    """The folded value of a compiled closure, or MISSING when it is not a constant."""
    return getattr(fn, "const", MISSING)


#: the fields of a node type that never hold a node (their annotation says so): not walked
_LEAF_ANNOTATIONS = frozenset({"str", "bool", "Decimal", "int"})
_CHILDREN: dict[type, Any] = {}


def _children_of(kind: type):
    """A function returning the tuple of `kind`'s fields that may hold nodes (or tuples of them)."""
    names = tuple(name for name, annotation in field_types(kind).items()
                  if name != "span" and str(annotation) not in _LEAF_ANNOTATIONS)
    if not names:
        get = _no_children
    elif len(names) == 1:
        one = operator.attrgetter(names[0])

        def get(node):
            return (one(node),)
    else:
        get = operator.attrgetter(*names)
    _CHILDREN[kind] = get
    return get


def _no_children(node: Any) -> tuple:
    return ()


def walk(node: Any) -> Iterator[ast.Node]:
    """Every AST node in the subtree of `node` (itself included), depth first."""
    stack = [node]
    pop, push, children = stack.pop, stack.extend, _CHILDREN.get
    node_type = ast.Node
    while stack:
        current = pop()
        kind = type(current)
        get = children(kind)
        if get is not None:
            yield current
            push(get(current))
        elif kind is tuple or kind is list:
            push(current)
        elif isinstance(current, node_type):
            yield current
            push(_children_of(kind)(current))


def mentions(node: Any, names: set[str] | frozenset[str]) -> bool:
    """Whether any `Name` in the subtree is one of `names` (shadowing ignored: conservative)."""
    if not names:
        return False
    return any(type(n) is ast.Name and n.name in names for n in walk(node))


def contains(node: Any, kind: type) -> bool:
    return any(type(n) is kind for n in walk(node))


def is_num(x: Any) -> bool:
    t = type(x)
    return t is Decimal or t is int or t is float


def as_int(x: Any) -> int | None:
    """The integer value of a FEEL number, or None when it is not a whole number."""
    t = type(x)
    if t is int:
        return x
    if t is Decimal:
        i = small_int(x)  # None for huge numbers too: never `int()` of 1e999999
        return i if i is not None and i == x else None
    if t is float:
        return int(x) if x.is_integer() else None
    return None
