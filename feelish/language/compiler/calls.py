"""Calls of built-in functions that nothing in scope shadows, compiled to direct calls of the
overload for the call's arity (the same outcomes as the general call); pure built-ins with literal
arguments are evaluated once, at compile time."""
from __future__ import annotations

from functools import partial

from ..builtins import Builtin, failure
from .state import MISSING
from .util import PLAIN_TYPES, constant, export, plain
from ...errors import EvaluationError, FeelishError, SourceError, WarningKind
from ..tainting import rerun, tainted
from ..values import FeelFailure

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

#: what `Builtin._run` turns into "invalid arguments (...)"
_IMPL_SOFT = (TypeError, ValueError, ArithmeticError, AttributeError, KeyError, IndexError,
              OverflowError, RecursionError)

#: built-ins with no clock, no randomness, no context argument: safe to run at compile time
PURE = frozenset({
    "duration", "date", "time", "date and time", "years and months duration", "number", "string",
    "upper case", "lower case", "string length", "substring", "abs", "decimal", "floor",
    "ceiling", "round half up", "round half down", "round up", "round down",
})


#: built-ins whose results never need `export` (str, Decimal, bool, null, temporal values)
PLAIN_RESULTS = frozenset({
    "string", "upper case", "lower case", "substring", "substring before", "substring after",
    "string length", "contains", "starts with", "ends with", "matches", "replace", "trim",
    "string join", "count", "sum", "mean", "abs", "number", "decimal", "floor", "ceiling",
    "modulo", "sqrt", "odd", "even", "is blank", "is empty", "list contains", "is defined",
    "date", "time", "date and time", "duration", "years and months duration", "day of week",
    "month of year", "day of year", "week of year",
})


def _failed(c, exc: Exception, name: str, span, impl=None, args: tuple = ()) -> Any:
    """What the general call path makes of an exception raised by a built-in's implementation.

    `impl`, `args`: the call, run again on revealed values when an argument is tainted."""
    if impl is not None and tainted(args):
        try:
            return rerun(impl, args, name)
        except Exception as again:  # noqa: BLE001 - sorted out below, message already masked
            exc = again
    if isinstance(exc, _IMPL_SOFT) and not isinstance(exc, FeelFailure):
        exc = failure(f"invalid arguments ({type(exc).__name__})")
    if isinstance(exc, FeelFailure):
        c.warn(exc.kind or WarningKind.FUNCTION_INVOCATION_FAILURE, f"{name}: {exc.message}", span)
        return None
    if isinstance(exc, SourceError):
        if exc.span is None:
            exc.span, exc.source = span, c.source
        if isinstance(exc, EvaluationError) and not exc.warnings:
            exc.warnings = tuple(c.warnings)
        raise exc
    if isinstance(exc, FeelishError):
        raise exc
    c.warn(WarningKind.FUNCTION_INVOCATION_FAILURE, f"{name} failed ({type(exc).__name__})", span)
    return None


def fold(builtin: Builtin, name: str, consts: list) -> tuple[bool, Any]:
    """(True, value) when the pure built-in applied to literal arguments can be computed now."""
    if name not in PURE:
        return False, None
    try:
        r = builtin.invoke(list(consts), None)
    except Exception:  # noqa: BLE001 - not folded: the call fails (and warns) at run time
        return False, None
    if type(r) is list or type(r) is dict or (type(r) is str and len(r) > 64) or r is None:
        return False, None
    return True, r


def builtin_call(builtin: Builtin, name: str, arg_fns: tuple, span, general):
    """A call of an unshadowed built-in: folded when pure with literal arguments, else direct,
    else `general` (the lookup-and-invoke closure, also used whenever a variable has the name)."""
    consts = []
    for f in arg_fns:  # (a plain loop: no generator per call site)
        k = getattr(f, "const", MISSING)
        if k is MISSING:
            break
        consts.append(k)
    else:
        ok, value = fold(builtin, name, consts)
        if ok:
            folded = constant(value)
            # plain only while no host function shadows the built-in: that case is exported
            shadowed = _exporting(general) if getattr(folded, "plain", False) else general

            def call_folded(s, c):
                if name in c.vars:  # a host function of that name wins, as in any call
                    return shadowed(s, c)
                return folded(s, c)
            return plain(call_folded) if shadowed is not general else call_folded
    return direct(builtin, name, arg_fns, span, general) or general


def direct(builtin: Builtin, name: str, arg_fns: tuple, span, general):
    """A closure calling the built-in's overload for `len(arg_fns)` directly, or None."""
    ov = builtin._by_arity.get(len(arg_fns))
    if ov is None or ov.variadic:
        return None
    fn = _direct(ov, name, arg_fns, span, _exporting(general) if name in PLAIN_RESULTS else general)
    return plain(fn) if name in PLAIN_RESULTS else fn


def _exporting(general):
    """The general call, its result exported: a host function shadowing a built-in whose results
    are plain may return anything (a partial: no closure made per call site)."""
    return partial(_exported_result, general)


def _exported_result(general, s, c):
    v = general(s, c)
    return v if type(v) in PLAIN_TYPES else export(v)


def charge_result(c, r, span):
    """A called function's result charged (a list: its length in steps) or checked (a long string)."""
    t = type(r)
    if t is list:
        c.steps -= len(r)
        if c.steps < 0:
            c.exceeded(span)
    elif t is str and len(r) > 64:
        c.check_string(r, span)
    return r


def _direct(ov, name: str, arg_fns: tuple, span, general):
    impl, wants_ctx = ov.impl, ov.wants_ctx

    if len(arg_fns) == 1 and not wants_ctx:
        arg0 = arg_fns[0]
        v0 = getattr(arg0, "var_name", None)  # a variable argument is read inline

        def call_builtin1(s, c):
            vs = c.vars
            if name in vs:
                return general(s, c)
            if v0 is None:
                a = arg0(s, c)
            else:
                a = vs.get(v0, MISSING)
                if a is MISSING:
                    a = arg0(s, c)
            try:
                r = impl(a)
            except Exception as exc:  # noqa: BLE001 - sorted out as the general path does
                return _failed(c, exc, name, span, impl, (a,))
            t = type(r)
            if t is list or (t is str and len(r) > 64):
                return charge_result(c, r, span)
            return r
        return call_builtin1

    if len(arg_fns) == 2 and not wants_ctx:
        arg0, arg1 = arg_fns
        v0 = getattr(arg0, "var_name", None)

        def call_builtin2(s, c):
            vs = c.vars
            if name in vs:
                return general(s, c)
            if v0 is None:
                a = arg0(s, c)
            else:
                a = vs.get(v0, MISSING)
                if a is MISSING:
                    a = arg0(s, c)
            b = arg1(s, c)
            try:
                r = impl(a, b)
            except Exception as exc:  # noqa: BLE001
                return _failed(c, exc, name, span, impl, (a, b))
            t = type(r)
            if t is list or (t is str and len(r) > 64):
                return charge_result(c, r, span)
            return r
        return call_builtin2

    def call_builtin(s, c):
        if name in c.vars:
            return general(s, c)
        args = [f(s, c) for f in arg_fns]
        try:
            r = impl(c, *args) if wants_ctx else impl(*args)
        except Exception as exc:  # noqa: BLE001
            return _failed(c, exc, name, span, (lambda *a: impl(c, *a)) if wants_ctx else impl, args)
        return charge_result(c, r, span)
    return call_builtin


__all__ = ["PLAIN_RESULTS", "PURE", "builtin_call", "charge_result", "direct", "fold"]
