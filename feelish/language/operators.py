"""FEEL operators over the value model (arithmetic, equality, ordering, ranges, properties, types):
FEEL values in, a FEEL value out, None for a null operand, `FeelFailure` for a type mismatch."""
from __future__ import annotations

import decimal
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from . import temporal
from ..errors import WarningKind
from .properties import get_property, type_matches  # noqa: F401  (re-exported for the compiler)
from .tainting import rerun
from ..taint import SecretStr, SplicedStr, reveal, spliced
from .nanos import WideDuration, WideTime, duration_nanos, make_duration
from .wide import WideDate, WideDateTime, instant_nanos, make_datetime
from .values import (DECIMAL, FeelFailure, FeelFunction, Range, YearsMonthsDuration, is_number,
                     to_decimal, type_name)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

MAX_STRING = 10 * 1024 * 1024  # longest string an operator or built-in may produce
_UTC = temporal.UTC
_ADD, _SUB, _MUL = DECIMAL.add, DECIMAL.subtract, DECIMAL.multiply


def _kind(x: Any) -> str:
    """A short type tag used for dispatch."""
    t = type(x)
    if t is Decimal or t is int or t is float:
        return "n"
    if t is str:
        return "s"
    if t is bool:
        return "b"
    if t is date:
        return "d"
    if t is datetime:
        return "dt"
    if t is timedelta:
        return "dtd"
    if t is YearsMonthsDuration:
        return "ymd"
    if t is time:
        return "t"
    if t is list or t is tuple:
        return "l"
    if t is dict:
        return "c"
    if t is Range:
        return "r"
    if is_number(x):
        return "n"
    if isinstance(x, datetime):
        return "dt"
    if isinstance(x, date):
        return "d"
    if isinstance(x, time):
        return "t"
    if isinstance(x, timedelta):
        return "dtd"
    if isinstance(x, (list, tuple)):
        return "l"
    if isinstance(x, dict):
        return "c"
    if isinstance(x, FeelFunction):
        return "f"
    if t is SecretStr or t is SplicedStr:
        return "S"  # tainted: only the slow paths below (rerun) take it
    if t is WideDate:
        return "d"
    if t is WideDateTime:
        return "dt"
    if t is WideTime:
        return "t"
    if t is WideDuration:
        return "dtd"
    return "?"


def _bad(op: str, a: Any, b: Any | None = None) -> FeelFailure:
    if b is None:
        return FeelFailure(WarningKind.INVALID_TYPE, f"can't apply '{op}' to {type_name(a)}")
    return FeelFailure(WarningKind.INVALID_TYPE,
                       f"can't apply '{op}' to {type_name(a)} and {type_name(b)}")


def _dec(x: Any) -> Decimal:
    if type(x) is Decimal and x.is_finite():
        return x
    d = to_decimal(x)  # None for NaN / infinity from host data
    if d is None:
        raise FeelFailure(WarningKind.INVALID_TYPE, "not a finite number")
    return d


def _num_result(fn, *args) -> Decimal:
    try:
        return fn(*args)
    except (decimal.Overflow, decimal.InvalidOperation):
        raise FeelFailure(WarningKind.INVALID_TYPE, "number out of range") from None


def _as_instant(x: Any, other: Any) -> datetime:
    """A date in date-time arithmetic is midnight UTC; local vs zoned cannot be mixed."""
    if type(x) is date or type(x) is WideDate:
        return make_datetime(x.year, x.month, x.day, tz=_UTC)
    return x


def _duration(nanos: int) -> Any:
    """The days-time duration of `nanos`; beyond Java's Duration (feel-scala's), a failure."""
    try:
        return make_duration(nanos)
    except OverflowError:
        raise FeelFailure(WarningKind.INVALID_TYPE, "duration out of range") from None


def _integral(value: Decimal, rounding: str, digits: int = 29) -> int:
    """A scaled duration's nanoseconds or months as an int; out of range (a failure) from
    10**digits up, checked before `int()` (which takes minutes for 1e999999)."""
    if not value.is_finite() or value.adjusted() >= digits:
        raise FeelFailure(WarningKind.INVALID_TYPE, "duration out of range")
    return int(value.to_integral_value(rounding=rounding))


def _date_plus(d: date, td: timedelta) -> date:
    try:
        return (datetime(d.year, d.month, d.day) + td).date()
    except (OverflowError, ValueError, TypeError):  # TypeError: a WideDuration
        pass
    try:  # beyond years 1..9999
        base = make_datetime(d.year, d.month, d.day)
        return (base if type(base) is WideDateTime else WideDateTime(0, base)).__add__(td).date()
    except OverflowError:
        raise FeelFailure(WarningKind.INVALID_TYPE, "date out of range") from None


# --------------------------------------------------------------------------- arithmetic


def _splice(x: Any) -> bool:
    return type(x) is str or type(x) is SplicedStr


def add(a: Any, b: Any) -> Any:
    if type(a) is Decimal and type(b) is Decimal and a.is_finite() and b.is_finite():
        try:
            return _ADD(a, b)
        except (decimal.Overflow, decimal.InvalidOperation):
            raise FeelFailure(WarningKind.INVALID_TYPE, "number out of range") from None
    if a is None or b is None:
        return None
    ka, kb = _kind(a), _kind(b)
    if ka == "n" and kb == "n":
        return _num_result(DECIMAL.add, _dec(a), _dec(b))
    if ka == "s" and kb == "s":
        if len(a) + len(b) > MAX_STRING:
            raise FeelFailure(WarningKind.INVALID_TYPE, "string result too long")
        return a + b
    if ka == "dtd" and kb == "dtd":
        try:
            return a + b
        except OverflowError:
            return _duration(duration_nanos(a) + duration_nanos(b))
    if ka == "ymd" and kb == "ymd":
        return YearsMonthsDuration(a.months + b.months)
    if ka in ("dtd", "ymd") and kb in ("d", "dt", "t"):
        a, b, ka, kb = b, a, kb, ka
    if kb == "dtd":
        if ka == "d":
            return _date_plus(a, b)
        if ka == "dt":
            return temporal.shift_datetime(a, b)
        if ka == "t":
            return temporal.shift_time(a, b)
    if kb == "ymd" and ka in ("d", "dt"):
        return temporal.add_months(a, b.months)
    if ka == "S" or kb == "S":
        if _splice(a) and _splice(b):  # literal text and whole secrets stay showable as such
            return spliced(add(reveal(a), reveal(b)))
        return rerun(add, (a, b))
    raise _bad("+", a, b)


def sub(a: Any, b: Any) -> Any:
    if type(a) is Decimal and type(b) is Decimal and a.is_finite() and b.is_finite():
        try:
            return _SUB(a, b)
        except (decimal.Overflow, decimal.InvalidOperation):
            raise FeelFailure(WarningKind.INVALID_TYPE, "number out of range") from None
    if a is None or b is None:
        return None
    ka, kb = _kind(a), _kind(b)
    if ka == "n" and kb == "n":
        return _num_result(DECIMAL.subtract, _dec(a), _dec(b))
    if ka == "dtd" and kb == "dtd":
        try:
            return a - b
        except OverflowError:
            return _duration(duration_nanos(a) - duration_nanos(b))
    if ka == "ymd" and kb == "ymd":
        return YearsMonthsDuration(a.months - b.months)
    if ka == "d" and kb == "d":
        try:
            return timedelta(days=(a - b).days)
        except OverflowError:  # beyond 999,999,999 days
            return (WideDate(0, a) if type(a) is date else a) - b
    if ka in ("d", "dt") and kb in ("d", "dt"):
        x, y = _as_instant(a, b), _as_instant(b, a)
        if (x.tzinfo is None) != (y.tzinfo is None):
            raise FeelFailure(WarningKind.INVALID_TYPE,
                              "can't subtract a local date and time and a zoned one")
        try:
            if x.tzinfo is None:
                return x - y
            return x.astimezone(_UTC) - y.astimezone(_UTC)
        except OverflowError:  # a year beyond 1..9999 on the way, or a result too long
            return _duration(instant_nanos(x) - instant_nanos(y))
    if ka == "t" and kb == "t":
        if (a.tzinfo is None) != (b.tzinfo is None):
            raise FeelFailure(WarningKind.INVALID_TYPE, "can't subtract a local time and a zoned one")
        diff = temporal.time_seconds(a) - temporal.time_seconds(b)
        return _duration(int(diff * 1_000_000_000))
    if kb == "dtd":
        if ka == "d":
            return _date_plus(a, -b)
        if ka == "dt":
            return temporal.shift_datetime(a, -b)
        if ka == "t":
            return temporal.shift_time(a, -b)
    if kb == "ymd" and ka in ("d", "dt"):
        return temporal.add_months(a, -b.months)
    raise _bad("-", a, b)


def _scale_months(months: int, factor: Decimal) -> YearsMonthsDuration:
    value = DECIMAL.multiply(Decimal(months), factor)
    return YearsMonthsDuration(_integral(value, decimal.ROUND_DOWN, 18))


def _scale_td(td: Any, factor: Decimal) -> Any:
    value = DECIMAL.multiply(Decimal(duration_nanos(td)), factor)
    return _duration(_integral(value, decimal.ROUND_HALF_EVEN))


def mul(a: Any, b: Any) -> Any:
    if type(a) is Decimal and type(b) is Decimal and a.is_finite() and b.is_finite():
        try:
            return _MUL(a, b)
        except (decimal.Overflow, decimal.InvalidOperation):
            raise FeelFailure(WarningKind.INVALID_TYPE, "number out of range") from None
    if a is None or b is None:
        return None
    ka, kb = _kind(a), _kind(b)
    if ka == "n" and kb == "n":
        return _num_result(DECIMAL.multiply, _dec(a), _dec(b))
    if ka == "n" and kb in ("dtd", "ymd"):
        a, b, ka, kb = b, a, kb, ka
    if kb == "n":
        if ka == "dtd":
            return _num_result(_scale_td, a, _dec(b))
        if ka == "ymd":
            return _num_result(_scale_months, a.months, _dec(b))
    raise _bad("*", a, b)


def _zero_division() -> FeelFailure:
    return FeelFailure(WarningKind.DIVISION_BY_ZERO, "division by zero")


def _whole_quotient(x: int, y: int) -> Decimal:
    """`x / y` truncated toward zero, as the Camunda dialect divides two durations."""
    if y == 0:
        raise _zero_division()
    q = abs(x) // abs(y)
    return Decimal(q if (x < 0) == (y < 0) else -q)


def div(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    ka, kb = _kind(a), _kind(b)
    if ka == "n" and kb == "n":
        y = _dec(b)
        if y.is_zero():
            raise _zero_division()
        return _num_result(DECIMAL.divide, _dec(a), y)
    if kb == "n" and ka in ("dtd", "ymd"):
        y = _dec(b)
        if y.is_zero():
            raise _zero_division()
        if ka == "dtd":
            value = _num_result(DECIMAL.divide, Decimal(duration_nanos(a)), y)
            return _duration(_integral(value, decimal.ROUND_HALF_EVEN))
        value = _num_result(DECIMAL.divide, Decimal(a.months), y)
        return YearsMonthsDuration(_integral(value, decimal.ROUND_DOWN, 18))
    if ka == "dtd" and kb == "dtd":  # feel-scala: whole milliseconds, whole quotient
        return _whole_quotient(duration_nanos(a) // 1_000_000, duration_nanos(b) // 1_000_000)
    if ka == "ymd" and kb == "ymd":  # feel-scala: whole months, whole quotient
        return _whole_quotient(a.months, b.months)
    raise _bad("/", a, b)


def power(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if _kind(a) != "n" or _kind(b) != "n":
        raise _bad("**", a, b)
    x, y = _dec(a), _dec(b)
    if y == y.to_integral_value() and abs(y) <= 999999999:
        if x.is_zero() and y < 0:
            raise _zero_division()
        return _num_result(DECIMAL.power, x, int(y))
    try:
        value = math.pow(float(x), float(y))
    except (OverflowError, ValueError):
        raise FeelFailure(WarningKind.INVALID_TYPE, f"can't raise {x} to the power {y}") from None
    if math.isnan(value) or math.isinf(value):
        raise FeelFailure(WarningKind.INVALID_TYPE, f"can't raise {x} to the power {y}")
    return DECIMAL.create_decimal(repr(value))


def negate(a: Any) -> Any:
    if a is None:
        return None
    k = _kind(a)
    if k == "n":
        return DECIMAL.minus(_dec(a))
    if k == "dtd":
        try:
            return -a
        except OverflowError:  # -timedelta.min
            return _duration(-duration_nanos(a))
    if k == "ymd":
        return YearsMonthsDuration(-a.months)
    raise _bad("-", a)


# --------------------------------------------------------------------------- equality and order


def _not_comparable(a: Any, b: Any) -> FeelFailure:
    return FeelFailure(WarningKind.NOT_COMPARABLE,
                       f"can't compare {type_name(a)} with {type_name(b)}")


def _ms(x: Any) -> int:
    """Times and date-times compare at millisecond precision (as the DMN TCK expects)."""
    return x.microsecond // 1000


def _utc_key(x: Any) -> Any:
    """A zoned date-time as a UTC value that orders and compares by instant, any year."""
    try:
        return x.astimezone(_UTC)
    except OverflowError:  # 0001-01-01 or 9999-12-31 moved beyond by the offset
        return WideDateTime(0, x).astimezone(_UTC)


def _time_key(t: time) -> tuple:
    return (temporal.time_seconds(t.replace(microsecond=_ms(t) * 1000)),)


def equal(a: Any, b: Any) -> bool | None:
    """FEEL `=`: null only equals null; deep for lists and contexts; different types raise."""
    ta = type(a)
    if ta is type(b) and (ta is str or ta is bool):
        return a == b
    if a is None or b is None:
        return a is None and b is None
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        if ka == "S" or kb == "S":
            return rerun(equal, (a, b))
        raise _not_comparable(a, b)
    if ka == "n":
        return _dec(a) == _dec(b)
    if ka in ("s", "b", "d", "dtd", "ymd"):
        return a == b
    if ka == "dt":
        if (a.tzinfo is None) != (b.tzinfo is None):
            return False
        x, y = a.replace(microsecond=_ms(a) * 1000), b.replace(microsecond=_ms(b) * 1000)
        if a.tzinfo is None:
            return x == y
        return _utc_key(x) == _utc_key(y)
    if ka == "t":
        if (a.tzinfo is None) != (b.tzinfo is None):
            return False
        if a.tzinfo is None:
            return a.replace(microsecond=_ms(a) * 1000) == b.replace(microsecond=_ms(b) * 1000)
        return _time_key(a) == _time_key(b)
    if ka == "l":
        if len(a) != len(b):
            return False
        for x, y in zip(a, b):
            r = equal(x, y)
            if r is not True:
                return r
        return True
    if ka == "c":
        if a.keys() != b.keys():
            return False
        for k, x in a.items():
            r = equal(x, b[k])
            if r is not True:
                return r
        return True
    if ka == "r":
        if (a.start_included != b.start_included or a.end_included != b.end_included
                or a.single != b.single):
            return False
        return _eq_or_none(a.start, b.start) and _eq_or_none(a.end, b.end)
    if ka == "f":
        return a is b
    return a == b


def _eq_or_none(x: Any, y: Any) -> bool:
    try:
        return equal(x, y) is True
    except FeelFailure:
        return False


def not_equal(a: Any, b: Any) -> bool | None:
    r = equal(a, b)
    return None if r is None else not r


def compare(a: Any, b: Any) -> int:
    """-1, 0 or 1 for two non-null values of one ordered type; raises NOT_COMPARABLE otherwise."""
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        if ka == "S" or kb == "S":
            return rerun(compare, (a, b), "compare")
        raise _not_comparable(a, b)
    if ka == "n":
        x, y = _dec(a), _dec(b)
    elif ka in ("s", "S", "d", "dtd"):
        x, y = a, b
    elif ka == "ymd":
        x, y = a.months, b.months
    elif ka == "dt":
        if (a.tzinfo is None) != (b.tzinfo is None):
            raise FeelFailure(WarningKind.NOT_COMPARABLE,
                              "can't compare a local date and time with a zoned one")
        a, b = a.replace(microsecond=_ms(a) * 1000), b.replace(microsecond=_ms(b) * 1000)
        x, y = (a, b) if a.tzinfo is None else (_utc_key(a), _utc_key(b))
    elif ka == "t":
        if (a.tzinfo is None) != (b.tzinfo is None):
            raise FeelFailure(WarningKind.NOT_COMPARABLE, "can't compare a local time with a zoned one")
        a, b = a.replace(microsecond=_ms(a) * 1000), b.replace(microsecond=_ms(b) * 1000)
        x, y = (a, b) if a.tzinfo is None else (temporal.time_seconds(a), temporal.time_seconds(b))
    else:
        raise FeelFailure(WarningKind.NOT_COMPARABLE, f"values of type {type_name(a)} are not ordered")
    return -1 if x < y else (1 if x > y else 0)


def less(a: Any, b: Any) -> bool | None:
    if type(a) is Decimal and type(b) is Decimal and a.is_finite() and b.is_finite():
        return a < b
    if a is None or b is None:
        return None
    return compare(a, b) < 0


def less_equal(a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    return compare(a, b) <= 0


def greater(a: Any, b: Any) -> bool | None:
    if type(a) is Decimal and type(b) is Decimal and a.is_finite() and b.is_finite():
        return a > b
    if a is None or b is None:
        return None
    return compare(a, b) > 0


def greater_equal(a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    return compare(a, b) >= 0


def in_range(value: Any, rng: Range) -> bool | None:
    """Whether `value` lies in the range, honouring open/closed and unbounded ends."""
    if value is None:
        return None
    if rng.start is not None:
        c = compare(value, rng.start)
        if c < 0 or (c == 0 and not rng.start_included):
            return False
    elif rng.start_included:
        return None
    if rng.end is not None:
        c = compare(value, rng.end)
        if c > 0 or (c == 0 and not rng.end_included):
            return False
    elif rng.end_included:
        return None
    return True
