"""Specialised closures for `+`, `-` and `*`: the common operand types (numbers, short strings,
literal operands) are handled inline with the very result the general operator would give, and
everything else goes to the general operator."""
from __future__ import annotations

from decimal import Decimal

from .state import MISSING
from ..values import DECIMAL, FLOAT_DECIMALS, FeelFailure

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

_DECIMAL_OPS = {"+": DECIMAL.add, "-": DECIMAL.subtract, "*": DECIMAL.multiply}
_NUMS = frozenset({Decimal, int, float})
_SHORT = 64  # longest string `+` builds without charging the evaluation budget
DECIMAL_OPS, SHORT = _DECIMAL_OPS, _SHORT  # shared with the generated fast paths (codegen)


_LIMIT = 10 ** 34  # decimal128 holds every integer below this exactly


def _int_step(symbol: str, k: Decimal):
    """For `x <symbol> k` with a whole literal k: `f(range) -> range` of the ints giving the same
    values as the Decimal operation over a range of whole numbers (None if too large), or None.

    Decimal results keep exponent 0 and are exact below 10**34; a zero result is +0 for `+` and
    `-` (half-even rounding), and for `*` only when k > 0 (0 * -2 is -0 in decimal arithmetic).
    """
    if k.as_tuple().exponent != 0:
        return None
    n = int(k)
    if symbol == "*":
        if n <= 0:
            return None

        def times(r: range):
            return range(r.start * n, r.stop * n, r.step * n) if _fits(r, n, 0) else None
        return times
    shift = n if symbol == "+" else -n

    def plus(r: range):
        return range(r.start + shift, r.stop + shift, r.step) if _fits(r, 1, abs(shift)) else None
    return plus


def _fits(r: range, factor: int, offset: int) -> bool:
    if not r:
        return True
    top = max(abs(r[0]), abs(r[-1]))
    return top * factor + offset < _LIMIT


def specialise(symbol: str, left, right, ka: Any, kb: Any, span, op, soft: tuple, failed):
    """A fast closure for `left <symbol> right`, or None to use the general one.

    `ka` / `kb`: the folded constant of each operand or MISSING; `op`: the general operator;
    `soft` / `failed`: the compiler's suppressed-failure types and its failure-to-warning helper.
    """
    dec_op = _DECIMAL_OPS.get(symbol)
    if dec_op is None:
        return None
    is_plus = symbol == "+"
    catch = (FeelFailure, *soft)
    floats = FLOAT_DECIMALS

    def general(c, a, b):
        try:
            r = op(a, b)
        except catch as exc:
            return failed(c, exc, span)
        if is_plus and type(r) is str and len(r) > _SHORT:
            c.check_string(r, span)
        return r

    if type(kb) is Decimal and kb.is_finite():
        def num_const_right(s, c):
            a = left(s, c)
            ta = type(a)
            if ta in _NUMS:
                try:
                    r = dec_op(floats[a] if ta is float else a, kb)
                except ArithmeticError:
                    return general(c, a, kb)
                if ta is not Decimal or r.is_finite():
                    return r
            return general(c, a, kb)

        local = getattr(left, "local_name", None)
        if local is not None:
            def num_value(a, c):  # the same, given the left operand's value (a loop's item)
                ta = type(a)
                if ta in _NUMS:
                    try:
                        r = dec_op(floats[a] if ta is float else a, kb)
                    except ArithmeticError:
                        return general(c, a, kb)
                    if ta is not Decimal or r.is_finite():
                        return r
                return general(c, a, kb)
            num_const_right.of_local = (local, num_value)  # type: ignore[attr-defined]
            int_step = _int_step(symbol, kb)
            if int_step is not None:
                num_const_right.int_step = int_step  # type: ignore[attr-defined]
        return num_const_right

    if type(ka) is Decimal and ka.is_finite():
        def num_const_left(s, c):
            b = right(s, c)
            tb = type(b)
            if tb in _NUMS:
                try:
                    r = dec_op(ka, floats[b] if tb is float else b)
                except ArithmeticError:
                    return general(c, ka, b)
                if tb is not Decimal or r.is_finite():
                    return r
            return general(c, ka, b)
        return num_const_left

    if is_plus and type(kb) is str:
        room = _SHORT - len(kb)

        def str_const_right(s, c):
            a = left(s, c)
            if type(a) is str and len(a) <= room:
                return a + kb
            return general(c, a, kb)
        return str_const_right

    if is_plus and type(ka) is str:
        room_l = _SHORT - len(ka)

        def str_const_left(s, c):
            b = right(s, c)
            if type(b) is str and len(b) <= room_l:
                return ka + b
            return general(c, ka, b)
        return str_const_left

    if ka is not MISSING or kb is not MISSING:
        return None  # another constant (null, a date, ...): the general closure

    lv, rv = getattr(left, "var_name", None), getattr(right, "var_name", None)

    def arith_any(s, c):
        if lv is None:
            a = left(s, c)
        else:
            a = c.vars.get(lv, MISSING)
            if a is MISSING:
                a = left(s, c)
        if rv is None:
            b = right(s, c)
        else:
            b = c.vars.get(rv, MISSING)
            if b is MISSING:
                b = right(s, c)
        ta, tb = type(a), type(b)
        if ta in _NUMS and tb in _NUMS:
            try:
                r = dec_op(floats[a] if ta is float else a, floats[b] if tb is float else b)
            except ArithmeticError:
                return general(c, a, b)
            if (ta is not Decimal and tb is not Decimal) or r.is_finite():
                return r
        elif is_plus and ta is str and tb is str and len(a) + len(b) <= _SHORT:
            return a + b
        return general(c, a, b)
    return arith_any


__all__ = ["specialise"]
