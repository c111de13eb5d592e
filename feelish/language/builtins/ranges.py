"""Range functions (DMN 1.4): before, after, meets, met by, overlaps (before/after), finishes,
finished by, includes, during, starts, started by, coincides — open, closed and unbounded ends."""
from __future__ import annotations

from ..operators import compare
from ..values import FeelFailure, Range
from ._core import builtin, failure

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, Callable

_NEG, _POS = object(), object()


def _c(x: Any, y: Any) -> int:
    """Compare two endpoints where _NEG/_POS stand for unbounded ends."""
    if x is y and x in (_NEG, _POS):
        return 0
    if x is _NEG or y is _POS:
        return -1
    if x is _POS or y is _NEG:
        return 1
    try:
        return compare(x, y)
    except FeelFailure:
        raise failure("the values are not comparable") from None


class _R:
    """A range or a point as (start, start included, end, end included)."""

    __slots__ = ("s", "si", "e", "ei", "point")

    def __init__(self, v: Any):
        if v is None:
            raise failure("null argument")
        if type(v) is Range:
            if (v.start is None and v.start_included) or (v.end is None and v.end_included):
                raise failure("a range bound is null")  # `[null..10]`, unlike `< 10`
            self.s = _NEG if v.start is None else v.start
            self.e = _POS if v.end is None else v.end
            self.si, self.ei, self.point = v.start_included, v.end_included, False
        else:
            self.s = self.e = v
            self.si = self.ei = self.point = True


def _before(a: _R, b: _R) -> bool:
    c = _c(a.e, b.s)
    return c < 0 or (c == 0 and not (a.ei and b.si))


def _meets(a: _R, b: _R) -> bool:
    return a.ei and b.si and _c(a.e, b.s) == 0


def _overlaps(a: _R, b: _R) -> bool:
    c1, c2 = _c(a.e, b.s), _c(a.s, b.e)
    return (c1 > 0 or (c1 == 0 and a.ei and b.si)) and (c2 < 0 or (c2 == 0 and a.si and b.ei))


def _overlaps_before(a: _R, b: _R) -> bool:
    ss, es, ee = _c(a.s, b.s), _c(a.e, b.s), _c(a.e, b.e)
    return ((ss < 0 or (ss == 0 and a.si and not b.si))
            and (es > 0 or (es == 0 and a.ei and b.si))
            and (ee < 0 or (ee == 0 and (not a.ei or b.ei))))


def _finishes(a: _R, b: _R) -> bool:
    if a.point:
        return b.ei and _c(a.e, b.e) == 0
    ss = _c(a.s, b.s)
    return (a.ei == b.ei and _c(a.e, b.e) == 0
            and (ss > 0 or (ss == 0 and (not a.si or b.si))))


def _includes(a: _R, b: _R) -> bool:
    ss, ee = _c(a.s, b.s), _c(a.e, b.e)
    if b.point:
        return (ss < 0 or (ss == 0 and a.si)) and (ee > 0 or (ee == 0 and a.ei))
    return ((ss < 0 or (ss == 0 and (a.si or not b.si)))
            and (ee > 0 or (ee == 0 and (a.ei or not b.ei))))


def _starts(a: _R, b: _R) -> bool:
    if a.point:
        return b.si and _c(a.s, b.s) == 0
    ee = _c(a.e, b.e)
    return (a.si == b.si and _c(a.s, b.s) == 0
            and (ee < 0 or (ee == 0 and (not a.ei or b.ei))))


def _coincides(a: _R, b: _R) -> bool:
    return (_c(a.s, b.s) == 0 and _c(a.e, b.e) == 0 and a.si == b.si and a.ei == b.ei)


def _declare(name: str, fn: Callable[[_R, _R], bool], *, swap: bool = False,
             first: str = "any", second: str = "any") -> None:
    """Register `name` with the DMN parameter names; `first`/`second` restrict argument kinds."""
    names = [("point1", "point2"), ("point", "range"), ("range", "point"), ("range1", "range2")]

    def impl(x: Any, y: Any) -> bool:
        a, b = _R(x), _R(y)
        for want, got in ((first, a), (second, b)):
            if want == "range" and got.point:
                raise failure(f"expects a range")
            if want == "point" and not got.point:
                raise failure(f"expects a point")
        return fn(b, a) if swap else fn(a, b)

    for p in names:
        builtin(name, f"{p[0]}, {p[1]}")(impl)


_declare("before", _before)
_declare("after", _before, swap=True)
_declare("meets", _meets, first="range", second="range")
_declare("met by", _meets, swap=True, first="range", second="range")
_declare("overlaps", _overlaps, first="range", second="range")
_declare("overlaps before", _overlaps_before, first="range", second="range")
_declare("overlaps after", _overlaps_before, swap=True, first="range", second="range")
_declare("finishes", _finishes, second="range")
_declare("finished by", _finishes, swap=True, first="range")
_declare("includes", _includes, first="range")
_declare("during", _includes, swap=True, second="range")
_declare("starts", _starts, second="range")
_declare("started by", _starts, swap=True, first="range")
_declare("coincides", _coincides)
