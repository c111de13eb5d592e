"""The public language API: `compile`, `evaluate`, `unary_test`, `Expression` and `Result`. An
`Expression` is immutable, thread-safe and reusable; results are plain Python (numbers as
Decimal)."""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from functools import lru_cache

from . import ast
from .compiler import (MISSING, NO_SECRETS, EvalContext, Limits, compile_node, compile_unary_tests,
                       exporting)
from .compiler.state import BAIL
from .compiler.util import export
from .parser import parse, parse_unary_tests
from ..errors import EvaluationError, FeelishError, LimitExceeded, SourceError, Warning
from ..records import record
from ..secrets import Redactor, SecretResolver

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Expression", "Result", "compile", "evaluate", "unary_test"]

_new = object.__new__

#: Contexts of finished lenient evaluations, kept for reuse (list pop/append are atomic, so each
#: evaluation, in any thread, takes its own).  An evaluation that raised never returns its context.
_SPARE: list[EvalContext] = []
_SPARE_MAX = 16

#: evaluations of one expression before its Python fast path is generated (compiling stays lean;
#: only expressions evaluated again and again pay for the generation, once)
TIER_UP = 32


def _spare(ctx: EvalContext) -> None:
    """Reset a finished evaluation's context and keep it (every closure that changes `depth`,
    `strict`, `input` or `vars` restores them in a `finally`, so only these need a reset)."""
    ctx.vars = None  # never keep the host's data alive
    if ctx.warnings:
        ctx.warnings = []
        ctx._seen = None
    ctx._now = ctx._deadline = None
    if len(_SPARE) < _SPARE_MAX and ctx.depth == 0 and ctx.strict is False and ctx.input is MISSING:
        _SPARE.append(ctx)


@record(uncompared=("_redactor",))
class Result:
    """The value of an evaluation and the warnings (suppressed failures) it produced."""

    value: Any
    warnings: tuple[Warning, ...] = ()
    _redactor: Redactor | None = None  # not compared

    def __repr__(self) -> str:
        text = f"Result(value={self.value!r}, warnings={list(self.warnings)!r})"
        return self._redactor.text(text) if self._redactor else text


def _resolver(secrets: Any) -> SecretResolver:
    if secrets is None:
        return NO_SECRETS
    return secrets if isinstance(secrets, SecretResolver) else SecretResolver(secrets)


def _redact_warnings(warnings: list[Warning], redactor: Redactor) -> tuple[Warning, ...]:
    if not redactor:
        return tuple(warnings)
    return tuple(Warning(w.kind, redactor.text(w.message), w.span) for w in warnings)


def _redact_error(exc: FeelishError, redactor: Redactor) -> None:
    if not redactor:
        return
    exc.message = redactor.text(exc.message)
    exc.args = (exc.message,)
    if isinstance(exc, EvaluationError):
        exc.warnings = _redact_warnings(list(exc.warnings), redactor)


def _run(fn, source: str, variables: Any, secrets: Any, strict: bool, limits: Limits,
         clock: Callable[[], _dt.datetime] | None, input_value: Any = None, test: bool = False,
         origin: str | None = None, exported: bool = False) -> tuple[Any, EvalContext]:
    """Evaluate a compiled closure once: (exported value, the finished context).

    `exported`: `fn` already returns exported values (built by `compiler.exporting`)."""
    if variables is None:
        variables = {}
    elif type(variables) is not dict and not isinstance(variables, Mapping):
        raise TypeError(f"variables must be a mapping, not {type(variables).__name__}")
    resolver = NO_SECRETS if secrets is None else _resolver(secrets)
    ctx = EvalContext(variables, resolver, strict, source, limits, clock)
    try:
        if test:
            return export(fn(None, ctx, input_value)), ctx
        return (fn(None, ctx) if exported else export(fn(None, ctx))), ctx
    except FeelishError as exc:
        _position(exc, source, origin, resolver)
        raise
    except RecursionError:
        raise _too_deep(source, origin) from None
    except MemoryError:
        raise _out_of_memory(source, origin) from None


def _position(exc: FeelishError, source: str, origin: str | None, resolver: SecretResolver) -> None:
    """Give an error raised during an evaluation its source and origin; redact secrets it used."""
    if isinstance(exc, SourceError):
        if not exc.source:
            exc.source = source
        if exc.origin is None and exc.source == source:
            exc.origin = origin
    if resolver.used:
        _redact_error(exc, resolver.redactor())


def _too_deep(source: str, origin: str | None) -> LimitExceeded:
    return LimitExceeded("expression or result nested too deeply (runaway recursion, or a "
                         "value that contains itself?)", source=source, origin=origin)


def _out_of_memory(source: str, origin: str | None) -> LimitExceeded:
    return LimitExceeded("evaluation ran out of memory", source=source, origin=origin)


def _warnings(ctx: EvalContext) -> tuple[tuple[Warning, ...], Redactor | None]:
    if ctx.secrets.used:
        redactor = ctx.secrets.redactor()
        return _redact_warnings(ctx.warnings, redactor), redactor
    return tuple(ctx.warnings), None


#: the keyword options of `Expression.evaluate`
_OPTIONS = frozenset({"secrets", "strict", "max_steps", "max_string_length", "max_depth", "clock"})


class Expression:
    """A compiled expression. Build with `feelish.compile(text)`.

    `names`: the free variable names the expression reads from `variables` (names bound by
    contexts, parameters and iterators are not listed, nor are names inside a filter condition,
    which usually are entries of the filtered items).  `paths`: the same reads with the entries
    read below each name, as tuples (`order.customer.tier` -> `("order", "customer", "tier")`; a
    path stops at a filter or index).  `secret_names`: every `<<secrets.NAME>>`.
    Results may share structure with the variables passed in (a path returns the very object it
    found); literals in the expression are fresh at every evaluation.
    """

    __slots__ = ("source", "names", "paths", "secret_names", "origin", "_limits", "_out", "_fast")

    def __init__(self, source: str, fn, names: frozenset[str], secret_names: frozenset[str],
                 limits: Limits, origin: str | None = None, *,
                 paths: frozenset[tuple[str, ...]]):
        set_ = object.__setattr__
        set_(self, "source", source)
        set_(self, "names", names)
        set_(self, "paths", paths)
        set_(self, "secret_names", secret_names)
        set_(self, "origin", origin)
        set_(self, "_limits", limits)
        set_(self, "_out", exporting(fn))  # fn with its result already normalised for the host
        set_(self, "_fast", 0)  # evaluations so far, until the fast path is made (see `_hot`)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Expression is immutable")

    def evaluate(self, variables: Mapping[str, Any] | None = None, **options: Any) -> Any:
        """The value of the expression for `variables`. Failures give null (see `strict`).

        Options (keywords): `secrets`, `strict`, `max_steps`, `max_string_length`, `max_depth`,
        `clock` (as for `evaluate_with_warnings`)."""
        if not options and type(variables) is dict:
            # the common call: the generated fast path (codegen) once the expression is hot
            fast = self._fast
            if fast is not None:
                if fast.__class__ is int:
                    fast = self._hot(fast)
                if fast is not None:
                    value = fast(variables)
                    if value is not BAIL:
                        return value
            return self._lenient(variables)
        unknown = options.keys() - _OPTIONS
        if unknown:
            raise TypeError(f"evaluate() got an unexpected keyword argument {min(unknown)!r}; "
                            f"the options are {', '.join(sorted(_OPTIONS))}")
        return self._evaluate(variables, **options)

    def _lenient(self, variables: dict) -> Any:
        """The common call by the closures: no secrets, default limits, lenient.  The context is
        `EvalContext(variables, NO_SECRETS, False, source, limits)`, built without the __init__
        call or taken from `_SPARE` (contexts of finished evaluations, reset);
        tests/language/test_compiler_export.py checks both agree with a constructed one."""
        try:
            ctx = _SPARE.pop()
        except IndexError:
            ctx = _new(EvalContext)
            ctx.secrets = NO_SECRETS
            ctx.strict = False
            ctx.warnings = []
            ctx.depth = 0
            ctx.input = MISSING
            ctx.clock = ctx._now = ctx._seen = ctx._deadline = None
        ctx.vars = variables
        limits = ctx.limits = self._limits
        ctx.steps = limits.max_steps
        ctx.source = self.source
        value = self._closures(ctx, NO_SECRETS)  # a context that raised is dropped, not reused
        _spare(ctx)
        return value

    def _closures(self, ctx: EvalContext, resolver: SecretResolver) -> Any:
        """The exported value by the closures; an error gets its position and origin, secrets
        it used redacted."""
        try:
            return self._out(None, ctx)
        except FeelishError as exc:
            _position(exc, self.source, self.origin, resolver)
            raise
        except RecursionError:
            raise _too_deep(self.source, self.origin) from None
        except MemoryError:
            raise _out_of_memory(self.source, self.origin) from None

    def _evaluate(self, variables: Mapping[str, Any] | None = None, *, secrets: Any = None,
                  strict: bool = False, max_steps: int | None = None,
                  max_string_length: int | None = None, max_depth: int | None = None,
                  clock: Callable[[], _dt.datetime] | None = None) -> Any:
        if (type(variables) is dict and secrets is None and not strict and clock is None
                and max_steps is None and max_string_length is None and max_depth is None):
            return self._lenient(variables)
        limits = self._limits
        if max_steps is not None or max_string_length is not None or max_depth is not None:
            limits = limits.override(max_steps, max_string_length, max_depth)
        return _run(self._out, self.source, variables, secrets, strict, limits, clock,
                    origin=self.origin, exported=True)[0]

    def _hot(self, count: int):
        """Count an evaluation; at the `TIER_UP`-th, generate the fast path (codegen): None
        until then, and for good when the expression has none."""
        if count < TIER_UP:
            object.__setattr__(self, "_fast", count + 1)
            return None
        from .compiler.codegen import generate  # loaded by the first hot expression only
        try:
            fast = generate(parse(self.source), self.source, self._limits)
        except Exception:  # noqa: BLE001 - no fast path; the closures are complete on their own
            fast = None
        object.__setattr__(self, "_fast", fast)
        return fast

    def evaluate_with_warnings(self, variables: Mapping[str, Any] | None = None, *,
                               secrets: Any = None, strict: bool = False,
                               max_steps: int | None = None, max_string_length: int | None = None,
                               max_depth: int | None = None,
                               clock: Callable[[], _dt.datetime] | None = None) -> Result:
        """Like `evaluate`, also returning every warning (kind, message, span)."""
        if (type(variables) is dict and not strict and clock is None and max_steps is None
                and max_string_length is None and max_depth is None):
            # the connector's call: plain variables, maybe secrets, default limits.  A fast path
            # exists only for expressions without secrets: it never uses the resolver and
            # returns only where no warning arises, so its value is the whole Result
            fast = self._fast
            if fast is not None and (secrets is None or type(secrets) is SecretResolver):
                if fast.__class__ is int:
                    fast = self._hot(fast)
                if fast is not None:
                    value = fast(variables)
                    if value is not BAIL:
                        return Result(value)
            resolver = NO_SECRETS if secrets is None else _resolver(secrets)
            ctx = EvalContext(variables, resolver, False, self.source, self._limits, None)
            value = self._closures(ctx, resolver)
            if not ctx.warnings and not resolver.used:
                return Result(value)
            warnings, redactor = _warnings(ctx)
            return Result(value, warnings, redactor)
        value, ctx = _run(self._out, self.source, variables, secrets, strict,
                          self._limits.override(max_steps, max_string_length, max_depth), clock,
                          origin=self.origin, exported=True)
        warnings, redactor = _warnings(ctx)
        return Result(value, warnings, redactor)

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"


def compile(text: str, *, origin: str | None = None, max_steps: int | None = None,  # noqa: A001
            max_string_length: int | None = None, max_depth: int | None = None,
            max_seconds: float | None = None) -> Expression:
    """Parse and compile `text` once; raises FeelSyntaxError with line, column and caret."""
    if not isinstance(text, str):
        raise TypeError(f"an expression must be a string, not {type(text).__name__}")
    node = parse(text, origin=origin)
    fn, names, secret_names, paths = compile_node(node, text)
    limits = Limits().override(max_steps, max_string_length, max_depth, max_seconds)
    return Expression(text, fn, names, secret_names, limits, origin, paths=paths)


@lru_cache(maxsize=1024)
def _cached(text: str) -> Expression:
    return compile(text)


def evaluate(text: str, variables: Mapping[str, Any] | None = None, *, secrets: Any = None,
             strict: bool = False) -> Any:
    """Compile (cached by text) and evaluate in one call."""
    return _cached(text).evaluate(variables, secrets=secrets, strict=strict)


class _UnaryTests:
    __slots__ = ("source", "test")

    def __init__(self, source: str, test):
        self.source = source
        self.test = test


@lru_cache(maxsize=1024)
def _cached_tests(text: str) -> _UnaryTests:
    if not isinstance(text, str):
        raise TypeError(f"unary tests must be a string, not {type(text).__name__}")
    node: ast.Node = parse_unary_tests(text)
    test, _, _ = compile_unary_tests(node, text)
    return _UnaryTests(text, test)


def unary_test(tests: str, input: Any, variables: Mapping[str, Any] | None = None, *,  # noqa: A002
               secrets: Any = None, strict: bool = False) -> bool | None:
    """Does `input` satisfy the unary tests (`"< 10"`, `"[1..5], 20"`, `"not(\\"a\\")"`, `"-"`)?

    True or False, or None when the tests cannot decide (a null input, values not comparable).
    """
    compiled = _cached_tests(tests)
    value, _ = _run(compiled.test, compiled.source, variables, secrets, strict, Limits(), None,
                       input, test=True)
    return value
