"""Numeric list aggregates: sum, product, mean, median, stddev, mode (list or varargs forms)."""
from __future__ import annotations

import decimal
from decimal import Decimal

from ..values import DECIMAL, FLOAT_DECIMALS
from ._core import as_list, builtin, failure, num

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, Callable

_NUMERIC_KINDS = ({Decimal}, {int}, {Decimal, int})
_FLOATS = {float}
_SHIFT = 1 << 20  # low bits of a cents code count the items written with two decimals


class _NoCents(Exception):
    pass


class _Cents(dict):
    """float -> code for floats whose repr is plain with at most two decimals (money amounts):
    code = (the number in hundredths) * _SHIFT + (1 if written with two decimals, e.g. 19.99).

    Summing codes adds the amounts exactly AND counts the two-decimal items, which decides the
    scale of the decimal sum (exponent -2 if any, else -1: every float repr has a decimal).
    Bounded like the float memo; other floats raise _NoCents."""

    __slots__ = ()
    LIMIT = 8192

    def __missing__(self, x: float) -> int:
        if type(x) is not float:
            raise _NoCents
        text = repr(x)
        whole, _, frac = text.partition(".")
        if len(frac) > 2 or "e" in text or "n" in text:  # 0.001, 1e+16, nan, inf
            raise _NoCents
        code = int(whole + frac.ljust(2, "0")) * _SHIFT + (len(frac) == 2)
        if len(self) >= self.LIMIT:
            self.clear()
        self[x] = code
        return code


_CENTS = _Cents()
_as_float = float.conjugate


def _cents_sum(items: list[Any]) -> Decimal | None:
    """The decimal sum of floats that are all plain with <= 2 decimals, by integer arithmetic:
    exact (below 10**22, far inside decimal128's 34 digits), so equal to the item-by-item sum
    in value and scale (a zero sum is +0 there too).  None if an item does not qualify."""
    if len(items) >= _SHIFT:
        return None
    try:  # float.conjugate: the float itself, a TypeError for anything else (ints, bools, ...)
        total = sum(map(_CENTS.__getitem__, map(_as_float, items)))
    except (_NoCents, TypeError):
        return None
    hundredths, two_decimals = total >> 20, total & (_SHIFT - 1)
    if two_decimals:
        return Decimal(hundredths).scaleb(-2, DECIMAL)
    return Decimal(hundredths // 10).scaleb(-1, DECIMAL)


def _fast_sum(items: list[Any]) -> Decimal | None:
    """`sum` of a list of only floats, only ints or only Decimals/ints, in C loops; None when
    the general path must decide (other types, NaN/infinity, an arithmetic signal)."""
    total = _cents_sum(items)
    if total is not None:
        return total
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
