"""The FEEL value model.

Representation (the contract every module relies on):

| FEEL type                 | Python at run time                                                     |
|---------------------------|------------------------------------------------------------------------|
| null                      | None                                                                   |
| boolean                   | bool                                                                   |
| number                    | Decimal (34 significant digits, `DECIMAL`); see *host numbers* below  |
| string                    | str                                                                    |
| date                      | datetime.date   (check with `type(x) is date`: datetime subclasses it) |
| time                      | datetime.time   (tzinfo None = local; a fixed offset; or a ZoneInfo)   |
| date and time             | datetime.datetime (naive = local; aware = offset or ZoneInfo)          |
| days and time duration    | datetime.timedelta                                                     |
| years and months duration | YearsMonthsDuration(months)                                            |
| list                      | list (tuples from the host are accepted wherever a list is)            |
| context                   | dict with str keys, insertion ordered                                  |
| range                     | Range                                                                  |
| function                  | FeelFunction                                                           |

*Host numbers.*  Variables come from the host (process variables, parsed JSON) and are not
converted up front, for speed: a 2 KB response body read through three paths must not be walked.
So an int or a float found inside host data is a FEEL number too.  Every operator and built-in
accepts Decimal, int and float (never bool: `type(x) is bool` first) and returns Decimal.
`to_python()` normalises a result deeply at the API boundary (int/float -> Decimal, tuple -> list).

*Failures.*  Operators and built-ins signal a suppressed failure by raising `FeelFailure(kind,
message)`; the compiled expression catches it, records a positioned `Warning` and yields null.
"""
from __future__ import annotations

import decimal
from dataclasses import dataclass
from typing import Any

from .errors import WarningKind

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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Range:
    """A range value `[start..end]`; a bound of None with `*_included=False` is unbounded.

    Unary comparisons (`< 10`) are ranges with one open side: start=None for `<`, end=None for `>`.
    """

    start: Any
    end: Any
    start_included: bool = True
    end_included: bool = True


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
