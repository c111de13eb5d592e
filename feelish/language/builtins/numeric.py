"""Numeric functions: rounding with scale and modes, abs, modulo, sqrt/log/exp, parity, random."""
from __future__ import annotations

import decimal
import os
from datetime import timedelta
from decimal import Decimal

from ..nanos import WideDuration, duration_nanos
from ..values import DECIMAL, YearsMonthsDuration
from ._core import builtin, failure, integer, num, text, whole

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

_MIN_SCALE, _MAX_SCALE = -6111, 6176
_MODES = {
    "UP": decimal.ROUND_UP, "DOWN": decimal.ROUND_DOWN, "CEILING": decimal.ROUND_CEILING,
    "FLOOR": decimal.ROUND_FLOOR, "HALF_UP": decimal.ROUND_HALF_UP,
    "HALF_DOWN": decimal.ROUND_HALF_DOWN, "HALF_EVEN": decimal.ROUND_HALF_EVEN,
    "UNNECESSARY": None,
}


def _scale(x: Any) -> int:
    s = whole(x, "scale")  # a fractional scale is truncated
    if not _MIN_SCALE <= s <= _MAX_SCALE:
        raise failure(f"scale must lie within {_MIN_SCALE}..{_MAX_SCALE}")
    return s


def round_to(n: Any, scale: Any, mode: str | None) -> Decimal:
    d, s = num(n), _scale(scale)
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and -exponent <= s:
        return d  # already within the scale: nothing to round
    quantum = Decimal(1).scaleb(-s)
    ctx = decimal.Context(prec=max(34, len(d.as_tuple().digits) + abs(s) + 2),
                          traps=[decimal.InvalidOperation])
    if mode is None:  # UNNECESSARY: only when no digit is lost
        rounded = d.quantize(quantum, rounding=decimal.ROUND_DOWN, context=ctx)
        if rounded != d:
            raise failure("rounding necessary with mode UNNECESSARY")
        return rounded
    result = d.quantize(quantum, rounding=mode, context=ctx)
    return result


@builtin("decimal", "n, scale, mode?")
def _decimal(n: Any, scale: Any, mode: Any = None) -> Decimal:
    if mode is None:
        return round_to(n, scale, decimal.ROUND_HALF_EVEN)
    name = text(mode, "rounding mode").upper().replace(" ", "_")
    if name not in _MODES:
        raise failure(f"unknown rounding mode (use {', '.join(_MODES)})")
    return round_to(n, scale, _MODES[name])


def _rounder(name: str, mode: str) -> None:
    @builtin(name, "n, scale?")
    def _impl(n: Any, scale: Any = 0) -> Decimal:
        return round_to(n, scale, mode)


_rounder("floor", decimal.ROUND_FLOOR)
_rounder("ceiling", decimal.ROUND_CEILING)
_rounder("round up", decimal.ROUND_UP)
_rounder("round down", decimal.ROUND_DOWN)
_rounder("round half up", decimal.ROUND_HALF_UP)
_rounder("round half down", decimal.ROUND_HALF_DOWN)


@builtin("abs", "n")
def _abs(n: Any) -> Any:
    if isinstance(n, timedelta) or type(n) is WideDuration:
        try:
            return abs(n)
        except OverflowError:  # abs(timedelta.min)
            return WideDuration(-duration_nanos(n))
    if type(n) is YearsMonthsDuration:
        return YearsMonthsDuration(abs(n.months))
    return DECIMAL.abs(num(n))


@builtin("modulo", "dividend, divisor")
def _modulo(dividend: Any, divisor: Any) -> Decimal:
    a, b = num(dividend, "dividend"), num(divisor, "divisor")
    if b.is_zero():
        raise failure("division by zero")
    q = DECIMAL.divide(a, b).to_integral_value(rounding=decimal.ROUND_FLOOR)
    return DECIMAL.subtract(a, DECIMAL.multiply(b, q))


def _guarded(op: Any, x: Decimal, what: str) -> Decimal:
    try:
        result = op(x)
    except (decimal.Overflow, decimal.InvalidOperation):
        raise failure("result out of range") from None
    if not result.is_finite():
        raise failure("result out of range")
    return result


@builtin("sqrt", "number")
def _sqrt(x: Any) -> Decimal:
    d = num(x)
    if d < 0:
        raise failure("negative number")
    return _guarded(DECIMAL.sqrt, d, "sqrt")


@builtin("log", "number")
def _log(x: Any) -> Decimal:
    d = num(x)
    if d <= 0:
        raise failure("the number must be positive")
    return _guarded(DECIMAL.ln, d, "log")


@builtin("exp", "number")
def _exp(x: Any) -> Decimal:
    return _guarded(DECIMAL.exp, num(x), "exp")


def _parity(d: Decimal) -> int | None:
    """0 or 1 for a whole number (read from its last digit: never `int()` of a huge one)."""
    if d != d.to_integral_value():
        return None
    sign, digits, exponent = d.as_tuple()
    if exponent > 0:
        return 0  # a multiple of ten
    integral = digits[:len(digits) + exponent]
    return integral[-1] % 2 if integral else 0


@builtin("odd", "number")
def _odd(x: Any) -> bool:
    d = num(x)
    return _parity(d) == 1


@builtin("even", "number")
def _even(x: Any) -> bool:
    d = num(x)
    return _parity(d) == 0


@builtin("random number", "")
def _random_number() -> Decimal:
    # 53 random bits from the OS, as `random.SystemRandom().getrandbits(53)` draws them (without
    # importing `random` into every start)
    return Decimal(int.from_bytes(os.urandom(7), "big") >> 3) / Decimal(2 ** 53)


__all__ = ["round_to", "integer"]
