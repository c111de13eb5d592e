"""The built-in function machinery: functions declared as data with `@builtin(name, signature)`,
overloads by arity resolved at import, and named invocation."""
from __future__ import annotations

import decimal
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from ...errors import WarningKind
from ...records import record
from ..tainting import rerun, tainted
from ..nanos import WideDuration, WideTime
from ..wide import WideDate, WideDateTime
from ..values import (FeelFailure, FeelFunction, Range, YearsMonthsDuration, is_number, small_int,
                      to_decimal, type_name)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, Callable

MAX_STRING = 10 * 1024 * 1024   # longest string a built-in may produce
MAX_LIST = 1_000_000            # longest list a built-in may produce


def failure(message: str) -> FeelFailure:
    """A FUNCTION_INVOCATION_FAILURE (bad argument values or types)."""
    return FeelFailure(WarningKind.FUNCTION_INVOCATION_FAILURE, message)


@record
class Overload:
    params: tuple[str, ...]
    required: int
    variadic: bool
    impl: Callable[..., Any]
    wants_ctx: bool

    def call(self, args: list[Any], ctx: Any) -> Any:
        if self.variadic:
            fixed = len(self.params) - 1
            args = [*args[:fixed], list(args[fixed:])]
        return self.impl(ctx, *args) if self.wants_ctx else self.impl(*args)


class Builtin(FeelFunction):
    """A built-in FEEL function with one or more overloads."""

    __slots__ = ("name", "params", "overloads", "_by_arity", "_variadic")

    def __init__(self, name: str):
        self.name = name
        self.params: tuple[str, ...] = ()
        self.overloads: list[Overload] = []
        self._by_arity: dict[int, Overload] = {}
        self._variadic: list[Overload] = []

    def add(self, ov: Overload) -> None:
        self.overloads.append(ov)
        if not self.params:
            self.params = ov.params
        if ov.variadic:
            self._variadic.append(ov)
            for n in range(ov.required, len(ov.params)):
                self._by_arity.setdefault(n, ov)
        else:
            for n in range(ov.required, len(ov.params) + 1):
                self._by_arity.setdefault(n, ov)

    def __repr__(self) -> str:
        return f"<built-in function {self.name}>"

    def _run(self, ov: Overload, args: list[Any], ctx: Any) -> Any:
        try:
            return ov.call(args, ctx)
        except FeelFailure:
            if tainted(args):
                return rerun(lambda *a: ov.call(list(a), ctx), args, self.name)
            raise
        except (TypeError, ValueError, ArithmeticError, AttributeError, KeyError, IndexError,
                OverflowError, RecursionError) as exc:
            if tainted(args):
                return rerun(lambda *a: ov.call(list(a), ctx), args, self.name)
            raise failure(f"invalid arguments ({type(exc).__name__})") from None

    def invoke(self, args: list[Any], ctx: Any) -> Any:
        ov = self._by_arity.get(len(args))
        if ov is None:
            for v in self._variadic:
                if len(args) >= v.required:
                    ov = v
                    break
            else:
                raise FeelFailure(WarningKind.NO_FUNCTION_FOUND,
                                  f"no overload takes {len(args)} argument(s)")
        return self._run(ov, args, ctx)

    def invoke_named(self, named: dict[str, Any], ctx: Any) -> Any:
        keys = set(named)
        fitting = [ov for ov in self.overloads if keys <= set(ov.params)]
        # prefer an overload whose required parameters are all given; a missing one is null
        fitting.sort(key=lambda ov: not all(p in keys for p in ov.params[:ov.required]))
        for ov in fitting:
            last = max([ov.params.index(k) for k in keys] + [ov.required - 1])
            args = [named.get(p) for p in ov.params[:last + 1]]
            if ov.variadic and len(args) == len(ov.params):
                rest = args.pop()
                args.extend(rest if isinstance(rest, (list, tuple)) else [rest])
            return self._run(ov, args, ctx)
        shown = ", ".join(sorted(keys))
        raise FeelFailure(WarningKind.NO_FUNCTION_FOUND,
                          f"no overload takes the parameters ({shown})")


REGISTRY: dict[str, Builtin] = {}


def builtin(name: str, signature: str = "", *, ctx: bool = False,
            aliases: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an overload of the built-in `name` (and its aliases) with the given signature."""
    params: list[str] = []
    required = 0
    variadic = False
    for raw in (p.strip() for p in signature.split(",") if p.strip()):
        if raw.endswith("..."):
            variadic = True
            params.append(raw[:-3].strip())
        elif raw.endswith("?"):
            params.append(raw[:-1].strip())
        else:
            params.append(raw)
            required += 1
    ov_required = required - (1 if variadic else 0)

    def deco(impl: Callable[..., Any]) -> Callable[..., Any]:
        ov = Overload(tuple(params), ov_required, variadic, impl, ctx)
        for n in (name, *aliases):
            REGISTRY.setdefault(n, Builtin(n)).add(ov)
        return impl

    return deco


# --------------------------------------------------------------------------- argument helpers


def num(x: Any, what: str = "number") -> Decimal:
    if type(x) is list and len(x) == 1:  # DMN: a singleton list stands for its item
        x = x[0]
    if type(x) is Decimal:
        if x.is_finite():
            return x
        raise failure(f"expected a finite {what}")
    if x is None or type(x) is bool or not is_number(x):
        raise failure(f"expected a {what}, got {type_name(x)}")
    d = to_decimal(x)
    if d is None:
        raise failure(f"expected a finite {what}")
    return d


def integer(x: Any, what: str = "integer") -> int:
    d = num(x, what)
    if d != d.to_integral_value():
        raise failure(f"expected an integer {what}, got {d}")
    return whole(d, what)


def whole(x: Any, what: str = "number") -> int:
    """A number as an int, truncated toward zero; a failure (null + warning) from 10**18 up, so
    a huge number never becomes an index, a length, a count, a scale or a date field."""
    i = small_int(x) if type(x) is Decimal else None
    if i is None:
        i = small_int(num(x, what))
        if i is None:
            raise failure(f"{what} is too large: {x}")
    return i


def text(x: Any, what: str = "string") -> str:
    if type(x) is str:
        return x
    if type(x) is list and len(x) == 1 and type(x[0]) is str:  # DMN singleton-list coercion
        return x[0]
    raise failure(f"expected a {what}, got {type_name(x)}")


def boolean(x: Any) -> bool:
    if type(x) is bool:
        return x
    raise failure(f"expected a boolean, got {type_name(x)}")


def as_list(x: Any) -> list[Any]:
    """A list argument; any other non-null value is taken as a singleton list (DMN coercion)."""
    if type(x) is list:
        return x
    if isinstance(x, (list, tuple)):
        return list(x)
    if x is None:
        raise failure("expected a list, got null")
    return [x]


def context(x: Any) -> dict[str, Any]:
    if isinstance(x, dict):
        return x
    raise failure(f"expected a context, got {type_name(x)}")


def check_string(s: str) -> str:
    if len(s) > MAX_STRING:
        raise FeelFailure(WarningKind.FUNCTION_INVOCATION_FAILURE, "string result too long")
    return s


def check_list(items: list[Any]) -> list[Any]:
    if len(items) > MAX_LIST:
        raise FeelFailure(WarningKind.FUNCTION_INVOCATION_FAILURE, "list result too long")
    return items


def is_date(x: Any) -> bool:
    return type(x) is date or (isinstance(x, date) and not isinstance(x, datetime)) \
        or type(x) is WideDate


def is_datetime(x: Any) -> bool:
    return isinstance(x, datetime) or type(x) is WideDateTime


def is_time(x: Any) -> bool:
    return isinstance(x, time) or type(x) is WideTime


def is_duration(x: Any) -> bool:
    return isinstance(x, timedelta) or type(x) is YearsMonthsDuration or type(x) is WideDuration


__all__ = ["Builtin", "Overload", "REGISTRY", "builtin", "failure", "num", "integer", "text",
           "boolean", "as_list", "context", "check_string", "check_list", "is_date",
           "is_datetime", "is_time", "is_duration", "Range", "decimal"]
