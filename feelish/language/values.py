"""The FEEL value model: which Python type each FEEL type is at run time (the table is in
docs/internals.md), numbers from the host, and `YearsMonthsDuration`, `Range`, `FeelFunction`
and `FeelFailure`."""
from __future__ import annotations

import decimal

from ..errors import WarningKind
from ..records import record
from .nanos import WideDuration, WideTime
from .wide import WideDate, WideDateTime

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

#: FEEL numbers: 34 significant digits, half-even rounding (IEEE 754 decimal128).
DECIMAL = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN,
                          Emin=-999999999, Emax=999999999, traps=[decimal.InvalidOperation,
                                                                  decimal.DivisionByZero,
                                                                  decimal.Overflow])


class FeelFailure(Exception):
    """Raised by operators and built-ins: evaluation goes on with null and a warning of `kind`."""

    __slots__ = ("kind", "message")

    def __init__(self, kind: str, message: str):
        self.kind = kind
        self.message = message

    @classmethod
    def invalid_type(cls, message: str) -> "FeelFailure":
        return cls(WarningKind.INVALID_TYPE, message)


@record
class YearsMonthsDuration:
    """A years-and-months duration, always normalised to a whole number of months."""

    months: int

    @property
    def years_part(self) -> int:
        return int(self.months / 12)  # truncates toward zero, as FEEL's `years` property

    @property
    def months_part(self) -> int:
        return self.months - 12 * self.years_part

    def __str__(self) -> str:
        sign = "-" if self.months < 0 else ""
        y, m = abs(self.months) // 12, abs(self.months) % 12
        if y and m:
            return f"{sign}P{y}Y{m}M"
        if y:
            return f"{sign}P{y}Y"
        return f"{sign}P{m}M"


@record
class Range:
    """A range value `[start..end]`; a bound of None with `*_included=False` is unbounded.

    Unary comparisons (`< 10`) are ranges with one open side: start=None for `<`, end=None for `>`.
    `(= 10)` is `[10..10]` marked `single`: the same members, but not equal to `[10..10]` (DMN TCK).
    """

    start: Any
    end: Any
    start_included: bool = True
    end_included: bool = True
    single: bool = False


class FeelFunction:
    """A callable FEEL value: a built-in, a user `function(a, b) body`, or a host callable.

    `params` names the parameters (for named invocation and `instance of function`).
    `invoke(args, ctx)` takes positional arguments; `invoke_named(named, ctx)` a dict.
    Both raise `FeelFailure` for a suppressed failure.  `ctx` is the evaluation state that the
    compiler passes along (warnings, clock, limits); built-ins may ignore it.
    """

    __slots__ = ()
    name: str = "anonymous function"
    params: tuple[str, ...] = ()

    def invoke(self, args: list[Any], ctx: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def invoke_named(self, named: dict[str, Any], ctx: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def comparator(self, ctx: Any) -> tuple:
        """(cmp, done) for sorting with this function as `precedes(a, b)`: `cmp(a, b)` is -1
        when it returns true, else 0 (all `sorted` asks is "a < b?"); the caller charges the
        comparisons up front, once, and calls `done()` when the sort ends."""
        def cmp(a: Any, b: Any) -> int:
            return -1 if self.invoke([a, b], ctx) is True else 0
        return cmp, _nothing


def _nothing() -> None:
    return None


# --------------------------------------------------------------------------- numbers and host values

_Decimal = decimal.Decimal


def is_number(x: Any) -> bool:
    """True for a FEEL number: Decimal, int or float (never bool)."""
    t = type(x)
    return t is _Decimal or t is int or t is float or (t is not bool and isinstance(x, (_Decimal, int, float)))


class NotFinite(ArithmeticError):
    """A host float that is NaN or infinite (not a FEEL number)."""


class _FloatDecimals(dict):
    """float -> Decimal(repr(float)), remembered: host data repeats its numbers, and the repr
    is the costly part of reading a float.  Bounded (cleared when full).  Only non-zero finite
    floats are kept, so 0.0 and -0.0 (equal as keys) never share an entry."""

    __slots__ = ()
    LIMIT = 8192

    def __missing__(self, x: float) -> "decimal.Decimal":
        if x != x or x == _INF or x == -_INF:
            raise NotFinite(x)
        d = _Decimal(repr(x))
        if x:
            if len(self) >= self.LIMIT:
                self.clear()
            self[x] = d
        return d


_INF = float("inf")

#: `FLOAT_DECIMALS[x]` for a float `x`: its Decimal (raises NotFinite for NaN / infinity).
#: Look up floats only: an int or a Decimal key would find an equal float's entry.
FLOAT_DECIMALS = _FloatDecimals()


#: Decimals of the small whole numbers, shared (Decimals are immutable)
SMALL_LO, SMALL_HI = -256, 4096
SMALL_INTS = tuple(map(_Decimal, range(SMALL_LO, SMALL_HI)))


def int_decimal(n: int) -> "decimal.Decimal":
    """`Decimal(n)` for an int, shared for the small ones (lengths, counts, positions)."""
    return SMALL_INTS[n - SMALL_LO] if SMALL_LO <= n < SMALL_HI else _Decimal(n)


#: a number at or beyond 10**18 never becomes a Python int (an index, a length, a count, a scale,
#: a date field): `int(Decimal("1e999999"))` alone takes minutes
MAX_INT_DIGITS = 18


def small_int(d: "decimal.Decimal") -> int | None:
    """`int(d)` (truncated toward zero) for a finite Decimal below 10**18 in magnitude, else None."""
    if not d.is_finite() or d.adjusted() >= MAX_INT_DIGITS:
        return None
    return int(d)


def to_decimal(x: Any) -> "decimal.Decimal | None":
    """A number as Decimal; floats through their shortest repr (0.1 -> 0.1); NaN/inf -> None."""
    t = type(x)
    if t is _Decimal:
        return x if x.is_finite() else None
    if t is int:
        return _Decimal(x)
    if t is float:
        try:
            return FLOAT_DECIMALS[x]
        except NotFinite:
            return None
    if t is not bool and isinstance(x, (_Decimal, int, float)):  # subclasses (IntEnum, ...)
        return to_decimal(_Decimal(x) if isinstance(x, _Decimal) else (float(x) if isinstance(x, float) else int(x)))
    raise FeelFailure.invalid_type(f"expected a number, got {type_name(x)}")


def type_name(x: Any) -> str:
    """FEEL's name for the type of a value (for messages and `instance of`)."""
    import datetime as _dt
    t = type(x)
    if x is None:
        return "null"
    if t is bool:
        return "boolean"
    if is_number(x):
        return "number"
    if t is str or isinstance(x, str):  # a SecretStr is a string too
        return "string"
    if t is _dt.date:
        return "date"
    if t is _dt.datetime or isinstance(x, _dt.datetime):
        return "date and time"
    if isinstance(x, _dt.date):
        return "date"
    if isinstance(x, _dt.time):
        return "time"
    if isinstance(x, _dt.timedelta):
        return "days and time duration"
    if t is YearsMonthsDuration:
        return "years and months duration"
    if t is WideDate:
        return "date"
    if t is WideDateTime:
        return "date and time"
    if t is WideTime:
        return "time"
    if t is WideDuration:
        return "days and time duration"
    if isinstance(x, (list, tuple)):
        return "list"
    if isinstance(x, dict):
        return "context"
    if t is Range:
        return "range"
    if isinstance(x, FeelFunction) or callable(x):
        return "function"
    return t.__name__


def to_feel(host: Any) -> Any:
    """Convert host data deeply to FEEL values: int/float -> Decimal, tuple -> list, keys -> str."""
    t = type(host)
    if host is None or t is bool or t is str:
        return host
    if t is _Decimal:
        return host if host.is_finite() else None
    if t is int or t is float:
        return to_decimal(host)
    if t is dict or isinstance(host, dict):
        return {str(k): to_feel(v) for k, v in host.items()}
    if t is list or t is tuple or isinstance(host, (list, tuple)):
        return [to_feel(v) for v in host]
    if is_number(host):
        return to_decimal(host)
    return host


#: `to_python` is `to_feel`: a result is normalised with the same deep walk.
to_python = to_feel


# --------------------------------------------------------------------------- formatting


def format_number(n: Any) -> str:
    """A number as FEEL's `string()` writes it: plain notation, scale kept (1.50 -> "1.50")."""
    d = to_decimal(n)
    if d is None:
        return "null"
    if d.is_zero() and d.is_signed():
        d = d.copy_abs()
    if abs(d.adjusted()) > 100_000:  # plain notation would be a huge string: keep the exponent
        return str(d)
    return format(d, "f")
