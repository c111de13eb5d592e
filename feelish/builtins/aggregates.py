"""Numeric list aggregates: sum, product, mean, median, stddev, mode (list or varargs forms)."""
from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any, Callable

from ..values import DECIMAL, FLOAT_DECIMALS
from ._core import as_list, builtin, failure, num

_NUMERIC_KINDS = ({Decimal}, {int}, {Decimal, int})
_FLOATS = {float}


def _fast_sum(items: list[Any]) -> Decimal | None:
    """`sum` of a list of only floats, only ints or only Decimals/ints, in C loops; None when
    the general path must decide (other types, NaN/infinity, an arithmetic signal)."""
    kinds = set(map(type, items))
    try:
        if kinds == _FLOATS:
            numbers = map(FLOAT_DECIMALS.__getitem__, items)
        elif kinds in _NUMERIC_KINDS:
            numbers = items
        else:
            return None
        with decimal.localcontext(DECIMAL):
            total = sum(numbers, Decimal(0))  # Decimal + int converts the int exactly
    except ArithmeticError:
        return None
    return total if total.is_finite() else None


def _numbers(items: list[Any], what: str) -> list[Decimal]:
    out = []
    for x in items:
        if x is None:
            raise failure("the list holds a null")
        out.append(num(x, f"{what} item"))
    return out


def _both(name: str, fn: Callable[[list[Decimal]], Any]) -> None:
    """Declare `name(list)` and `name(n1, n...)` over one implementation."""

    @builtin(name, "list")
    def _from_list(items: Any) -> Any:
        items = as_list(items)
        if fn is _sum and items:
            total = _fast_sum(items)
            if total is not None:
                return total
        return fn(_numbers(items, name))

    @builtin(name, "n1, n...")
    def _from_args(first: Any, rest: list[Any]) -> Any:
        return fn(_numbers([first, *rest], name))


def _sum(xs: list[Decimal]) -> Decimal | None:
    if not xs:
        return None
    total = Decimal(0)
    for x in xs:
        total = DECIMAL.add(total, x)
    return total


def _product(xs: list[Decimal]) -> Decimal:
    if not xs:
        raise failure("empty list")
    total = Decimal(1)
    for x in xs:
        total = DECIMAL.multiply(total, x)
    return total


def _mean(xs: list[Decimal]) -> Decimal | None:
    if not xs:
        return None
    return DECIMAL.divide(_sum(xs), Decimal(len(xs)))


def _median(xs: list[Decimal]) -> Decimal | None:
    if not xs:
        return None
    s = sorted(xs)
    mid = len(s) // 2
    if len(s) % 2:
        return s[mid]
    return DECIMAL.divide(DECIMAL.add(s[mid - 1], s[mid]), Decimal(2))


def _stddev(xs: list[Decimal]) -> Decimal:
    if len(xs) < 2:
        raise failure("needs at least two numbers")
    mean = _mean(xs)
    squares = Decimal(0)
    for x in xs:
        diff = DECIMAL.subtract(x, mean)
        squares = DECIMAL.add(squares, DECIMAL.multiply(diff, diff))
    return DECIMAL.sqrt(DECIMAL.divide(squares, Decimal(len(xs) - 1)))


def _mode(xs: list[Decimal]) -> list[Decimal]:
    counts: dict[Decimal, int] = {}
    first: dict[Decimal, Decimal] = {}
    for x in xs:
        k = x.normalize()
        counts[k] = counts.get(k, 0) + 1
        first.setdefault(k, x)
    if not counts:
        return []
    top = max(counts.values())
    return sorted(first[k] for k, c in counts.items() if c == top)


_both("sum", _sum)
_both("product", _product)
_both("mean", _mean)
_both("median", _median)
_both("stddev", _stddev)
_both("mode", _mode)
