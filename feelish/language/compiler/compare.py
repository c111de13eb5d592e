"""Compiling comparisons (`=`, `!=`, `<`, `<=`, `>`, `>=`) with inline fast paths: host ints, finite
Decimals and strings compared natively, literal right operands checked once."""
from __future__ import annotations

import operator as _op
from decimal import Decimal

from .. import ast, operators
from .state import MISSING
from .util import const_of, constant, plain
from .base import ORDER, SOFT, Closure, Compiler, failed
from ...errors import WarningKind
from ..values import FeelFailure

_FAST = (Decimal, int)  # host ints and Decimals compare exactly with Python's operators
_NATIVE = {"<": _op.lt, "<=": _op.le, ">": _op.gt, ">=": _op.ge, "=": _op.eq, "!=": _op.ne}


def _compare(comp: Compiler, node: ast.Compare) -> Closure:
    left, right = comp.compile(node.left), comp.compile(node.right)
    span = node.span
    if node.op == "=":
        op = operators.equal
    elif node.op == "!=":
        op = operators.not_equal
    else:
        op = ORDER[node.op]
    a, b = const_of(left), const_of(right)
    if a is not MISSING and b is not MISSING:
        try:
            return constant(op(a, b))
        except (FeelFailure, *SOFT):
            pass
    native = _NATIVE[node.op]
    if b is not MISSING and (type(b) in _FAST or type(b) is str):
        # `x > 5`, `status = "open"`: the most common shapes in filters and quantifiers
        # a host Decimal may be NaN or infinite: those take the general operator (a warning)
        numeric = type(b) in _FAST

        def compare_value(x, c):
            tx = type(x)
            if (tx is int or (tx is Decimal and x.is_finite())) if numeric else tx is str:
                return native(x, b)
            try:
                return op(x, b)
            except (FeelFailure, *SOFT) as exc:
                return failed(c, exc, span, WarningKind.NOT_COMPARABLE)

        def compare_const(s, c):
            x = left(s, c)
            tx = type(x)
            if (tx is int or (tx is Decimal and x.is_finite())) if numeric else tx is str:
                return native(x, b)
            try:
                return op(x, b)
            except (FeelFailure, *SOFT) as exc:
                return failed(c, exc, span, WarningKind.NOT_COMPARABLE)
        entry = getattr(left, "entry_name", None)
        if entry is not None:  # `total > 100` in a filter: read the item's entry inline
            def compare_entry(s, c):
                m = s[0]
                x = m.get(entry, MISSING) if type(m) is dict else MISSING
                if x is MISSING:
                    x = left(s, c)  # not an entry of a dict item: the name's general lookup
                tx = type(x)
                if (tx is int or (tx is Decimal and x.is_finite())) if numeric else tx is str:
                    return native(x, b)
                try:
                    return op(x, b)
                except (FeelFailure, *SOFT) as exc:
                    return failed(c, exc, span, WarningKind.NOT_COMPARABLE)

            def compare_item(m, s, c):  # the same, given the item and the scope outside it
                x = m.get(entry, MISSING) if type(m) is dict else MISSING
                if x is MISSING:
                    x = left((m, s), c)
                tx = type(x)
                if (tx is int or (tx is Decimal and x.is_finite())) if numeric else tx is str:
                    return native(x, b)
                try:
                    return op(x, b)
                except (FeelFailure, *SOFT) as exc:
                    return failed(c, exc, span, WarningKind.NOT_COMPARABLE)
            compare_entry.of_item = compare_item  # type: ignore[attr-defined]
            return plain(compare_entry)
        local = getattr(left, "local_name", None)
        if local is not None:
            compare_const.of_local = (local, compare_value)  # type: ignore[attr-defined]
        return plain(compare_const)

    lv, rv = getattr(left, "var_name", None), getattr(right, "var_name", None)

    def compare(s, c):
        if lv is None:
            x = left(s, c)
        else:
            x = c.vars.get(lv, MISSING)
            if x is MISSING:
                x = left(s, c)
        if rv is None:
            y = right(s, c)
        else:
            y = c.vars.get(rv, MISSING)
            if y is MISSING:
                y = right(s, c)
        tx, ty = type(x), type(y)
        if tx is str:
            if ty is str:
                return native(x, y)
        elif (tx is int or (tx is Decimal and x.is_finite())) and \
                (ty is int or (ty is Decimal and y.is_finite())):
            return native(x, y)
        try:
            return op(x, y)
        except (FeelFailure, *SOFT) as exc:
            return failed(c, exc, span, WarningKind.NOT_COMPARABLE)
    return plain(compare)



HANDLERS = {ast.Compare: _compare}

__all__ = ["HANDLERS"]
