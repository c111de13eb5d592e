"""Compiling control flow: `if`, `for`, `some`/`every`, function definitions and calls."""
from __future__ import annotations

import datetime as _dt
import itertools
from functools import partial
from collections.abc import Mapping
from decimal import Decimal

from .. import ast, operators
from .state import MISSING, EvalContext
from .util import as_int, charged, const_of, contains, decimals, mentions, plain, small_decimals, walk
from .base import Closure, Compiler, builtin_named
from .calls import builtin_call, charge_result
from ...errors import EvaluationError, FeelishError, LimitExceeded, SourceError, Span, WarningKind
from ..values import FeelFailure, FeelFunction, Range

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

# ---------------------------------------------------------------------------- if


def _if(comp: Compiler, node: ast.If) -> Closure:
    cond, then, other = comp.compile(node.condition), comp.compile(node.then), comp.compile(node.otherwise)
    k = const_of(cond)
    if k is not MISSING:
        return then if k is True else other

    def if_(s, c):
        return then(s, c) if cond(s, c) is True else other(s, c)
    if getattr(then, "plain", False) and getattr(other, "plain", False):
        return plain(if_)
    return if_


# ---------------------------------------------------------------------------- iteration domains


class IntRange:
    """`a..b` as a lazy sequence of Decimals (counts down when a > b)."""

    __slots__ = ("r",)

    def __init__(self, a: int, b: int):
        self.r = range(a, b + 1) if a <= b else range(a, b - 1, -1)

    def __len__(self) -> int:
        return len(self.r)

    def __iter__(self):
        small = small_decimals(self.r)  # shared Decimals; a large range stays lazy
        return map(Decimal, self.r) if small is None else iter(small)


class DateRange:
    """`@"2024-01-01"..@"2024-01-31"`: one date per day (counts down when start > end)."""

    __slots__ = ("start", "n", "step")

    def __init__(self, a: _dt.date, b: _dt.date):
        days = (b - a).days
        self.start, self.n, self.step = a, abs(days) + 1, (1 if days >= 0 else -1)

    def __len__(self) -> int:
        return self.n

    def __iter__(self):
        start, step, day = self.start, self.step, _dt.timedelta
        return (start + day(days=i * step) for i in range(self.n))


def _range_domain(c: EvalContext, a: Any, b: Any, span: Span):
    if a is None or b is None:
        return None
    if type(a) is _dt.date and type(b) is _dt.date:
        dates = DateRange(a, b)
        if len(dates) > c.steps:
            c.exceeded(span, f"the range has {len(dates)} days, more than the remaining budget of "
                             f"{max(c.steps, 0)} steps")
        return dates
    i, j = as_int(a), as_int(b)
    if i is None or j is None:
        c.warn(WarningKind.INVALID_TYPE, "the bounds of an iteration range must be whole numbers or dates", span)
        return None
    n = abs(j - i) + 1
    if n > c.steps:
        c.exceeded(span, f"the range {i}..{j} has {n} elements, more than the remaining budget of "
                         f"{max(c.steps, 0)} steps")
    return IntRange(i, j)


def _domain_value(c: EvalContext, v: Any, span: Span):
    if v is None:
        return None
    if type(v) is list or type(v) is tuple:
        return v
    if type(v) is Range:
        if v.start is None or v.end is None:
            c.warn(WarningKind.INVALID_TYPE, "cannot iterate over an unbounded range", span)
            return None
        if type(v.start) is _dt.date and type(v.end) is _dt.date:
            one = _dt.timedelta(days=1)
            a = v.start if v.start_included else v.start + one
            b = v.end if v.end_included else v.end - one
            return _range_domain(c, a, b, span) if a <= b else []
        i, j = as_int(v.start), as_int(v.end)
        if i is None or j is None or i > j:
            c.warn(WarningKind.INVALID_TYPE, "can only iterate over a range of whole numbers", span)
            return None
        return _range_domain(c, i + (0 if v.start_included else 1), j - (0 if v.end_included else 1),
                             span)
    if isinstance(v, (list, tuple)):
        return v
    return [v]


def _compile_domain(comp: Compiler, node: ast.Node) -> Closure:
    span = node.span
    if isinstance(node, ast.IterRange):
        start, end = comp.compile(node.start), comp.compile(node.end)

        def range_domain(s, c):
            return _range_domain(c, start(s, c), end(s, c), span)
        return range_domain
    value = comp.compile(node)

    def domain(s, c):
        return _domain_value(c, value(s, c), span)
    return domain


class _Loop:
    """Compiled iterators of a `for` / `some` / `every`."""

    def __init__(self, comp: Compiler, iterators: tuple[ast.Iterator, ...], body_node: ast.Node,
                 extra: tuple[str, ...] = ()):
        self.names = tuple(it.name for it in iterators)
        self.domains = []
        for i, it in enumerate(iterators):
            comp.push("local", self.names[:i] + extra)
            try:
                self.domains.append(_compile_domain(comp, it.domain))
            finally:
                comp.pop()
        comp.push("local", self.names + extra)
        try:
            self.body = comp.compile(body_node)
        finally:
            comp.pop()
        bound = set(self.names) | set(extra)
        self.independent = not any(comp.may_hold(it.domain, bound) and mentions(it.domain, bound)
                                   for it in iterators)
        # a function defined in the body captures its scope: it needs a fresh layer per iteration
        self.fresh = comp.may_hold(body_node, ("function",)) and contains(body_node, ast.FunctionDef)

    def domains_up_front(self, layer, c: EvalContext, span: Span):
        """Evaluate every domain; None if one is null. Charges the whole product first."""
        doms = []
        total = 1
        for domain in self.domains:
            d = domain(layer, c)
            if d is None:
                return None
            doms.append(d)
            total *= len(d)
        if total > c.steps:
            c.exceeded(span, f"this iteration would run {total} times, more than the remaining "
                             f"budget of {max(c.steps, 0)} steps")
        c.steps -= total
        return doms

    def combos(self, d: dict, s, c: EvalContext, span: Span):
        """Yield the scope layer for each combination of iterator values (first is outermost)."""
        names = self.names
        if self.independent:
            doms = self.domains_up_front((d, s), c, span)
            if doms is None:
                raise _NullDomain
            if len(names) == 1:
                name = names[0]
                if self.fresh:
                    for v in doms[0]:
                        yield ({**d, name: v}, s)
                else:
                    layer = (d, s)
                    for v in doms[0]:
                        d[name] = v
                        yield layer
                return
            for combo in itertools.product(*doms):
                if self.fresh:
                    e = dict(d)
                    e.update(zip(names, combo))
                    yield (e, s)
                else:
                    d.update(zip(names, combo))
                    yield (d, s)
            return
        yield from self._nested(0, d, s, c, span)

    def _nested(self, i: int, d: dict, s, c: EvalContext, span: Span):
        dom = self.domains[i]((d, s), c)
        if dom is None:
            raise _NullDomain
        c.charge(len(dom), span)
        name, last = self.names[i], i == len(self.names) - 1
        for v in dom:
            d[name] = v
            if last:
                yield ({**d} if self.fresh else d, s)
            else:
                yield from self._nested(i + 1, d, s, c, span)


class _NullDomain(Exception):
    pass


def _for(comp: Compiler, node: ast.For) -> Closure:
    loop = _Loop(comp, node.iterators, node.body, ("partial",))
    body, span = loop.body, node.span
    uses_partial = mentions(node.body, {"partial"})
    # `partial` is the live result list, unless the body might keep a reference to it
    # (reading it through a filter, a path or as a call argument keeps no reference; a call that
    # returns its argument itself is caught below with `r is out`)
    safe = {id(n.base) for n in walk(node.body) if type(n) in (ast.Filter, ast.Path)}
    for n in walk(node.body):
        if type(n) is ast.Call:
            safe.update(id(a) for a in n.args)
            safe.update(id(a.value) for a in (n.named or ()))
    snapshot = uses_partial and any(
        type(n) is ast.Name and n.name == "partial" and id(n) not in safe for n in walk(node.body))

    if len(loop.names) == 1 and loop.independent and not loop.fresh and not snapshot:
        name, domain = loop.names[0], loop.domains[0]
        direct = getattr(body, "of_local", None)
        if direct is not None and direct[0] == name and not uses_partial:
            value_fn = direct[1]  # the body is `x <op> literal`: map over the values directly
            int_step = getattr(body, "int_step", None)  # whole literal: whole-number arithmetic

            def for_map(s, c):
                dom = domain(({"partial": []}, s), c)
                if dom is None:
                    return None
                n = len(dom)
                c.steps -= n
                if c.steps < 0:
                    c.exceeded(span, f"this iteration would run {n} times, more than the "
                                     f"remaining budget of {max(c.steps + n, 0)} steps")
                if int_step is not None and type(dom) is IntRange:
                    ints = int_step(dom.r)
                    if ints is not None:
                        return decimals(ints)
                return list(map(value_fn, dom, itertools.repeat(c)))
            return plain(for_map)

        def for_simple(s, c):
            out: list = []
            d = {"partial": out}
            layer = (d, s)
            dom = domain(layer, c)
            if dom is None:
                return None
            n = len(dom)
            c.steps -= n
            if c.steps < 0:
                c.exceeded(span, f"this iteration would run {n} times, more than the remaining "
                                 f"budget of {max(c.steps + n, 0)} steps")
            append = out.append
            if uses_partial:
                for v in dom:
                    d[name] = v
                    r = body(layer, c)
                    append(list(r) if r is out else r)
            else:
                for v in dom:
                    d[name] = v
                    append(body(layer, c))
            return out
        if getattr(body, "plain", False):
            plain(for_simple)
        return for_simple

    def for_(s, c):
        out: list = []
        d = {"partial": out}
        try:
            for layer in loop.combos(d, s, c, span):
                if snapshot:
                    c.charge(len(out), span)
                    layer[0]["partial"] = list(out)
                r = body(layer, c)
                out.append(list(r) if r is out else r)
        except _NullDomain:
            return None
        return out
    if getattr(body, "plain", False):
        plain(for_)
    return for_


def _quantified(comp: Compiler, node: ast.Quantified) -> Closure:
    loop = _Loop(comp, node.iterators, node.condition)
    cond, span = loop.body, node.span
    want = node.kind == "some"  # some: stop at the first true; every: stop at the first false
    if len(loop.names) == 1 and loop.independent and not loop.fresh:
        name = loop.names[0]
        direct = getattr(cond, "of_local", None)
        test = direct[1] if direct is not None and direct[0] == name else None

        def quantified_one(s, c):
            d: dict = {}
            layer = (d, s)
            doms = loop.domains_up_front(layer, c, span)
            if doms is None:
                return None
            unknown = False
            for v in doms[0]:
                if test is not None:
                    r = test(v, c)
                else:
                    d[name] = v
                    r = cond(layer, c)
                if r is want:
                    return want
                if r is not (not want):
                    unknown = True
            return None if unknown else (not want)
        return plain(quantified_one)

    def quantified(s, c):
        unknown = False
        try:
            for layer in loop.combos({}, s, c, span):
                r = cond(layer, c)
                if r is want:
                    return want
                if r is not (not want):
                    unknown = True
        except _NullDomain:
            return None
        return None if unknown else (not want)
    return plain(quantified)


# ---------------------------------------------------------------------------- functions


class UserFunction(FeelFunction):
    """`function(a, b) body`: a closure over the scope where it was defined."""

    __slots__ = ("params", "body", "scope", "root", "types", "span", "name")

    def __init__(self, params: tuple[str, ...], body: Closure, scope: Any, root: Mapping,
                 types: tuple, span: Span):
        self.params = params
        self.body = body
        self.scope = scope
        self.root = root
        self.types = types
        self.span = span
        self.name = "anonymous function"

    def invoke(self, args: list, ctx: EvalContext) -> Any:
        params = self.params
        if len(args) != len(params):
            raise FeelFailure(WarningKind.INVALID_ARGUMENTS,
                              f"the function expects {len(params)} argument(s) "
                              f"({', '.join(params)}), got {len(args)}")
        return self._run(dict(zip(params, args)), ctx)

    def invoke_named(self, named: dict, ctx: EvalContext) -> Any:
        unknown = [k for k in named if k not in self.params]
        if unknown:
            raise FeelFailure(WarningKind.INVALID_ARGUMENTS,
                              f"the function has no parameter named {unknown[0]!r} "
                              f"(parameters: {', '.join(self.params)})")
        return self._run({p: named.get(p) for p in self.params}, ctx)

    def _run(self, bound: dict, ctx: EvalContext) -> Any:
        if self.types:
            for p, t in zip(self.params, self.types):
                v = bound[p]
                if t is not None and v is not None and not operators.type_matches(v, t):
                    raise FeelFailure(WarningKind.INVALID_ARGUMENTS,
                                      f"parameter '{p}' expects a value of type {t.name}")
        if not isinstance(ctx, EvalContext):  # called by a host outside an evaluation
            ctx = EvalContext(self.root)
        if ctx.depth >= ctx.max_depth:
            raise LimitExceeded(f"function calls nested more than {ctx.max_depth} deep "
                                "(runaway recursion?)", source=ctx.source)
        ctx.steps -= 1
        if ctx.steps < 0:
            ctx.exceeded()
        ctx.depth += 1
        saved, ctx.vars = ctx.vars, self.root
        try:
            return self.body((bound, self.scope), ctx)
        finally:
            ctx.vars = saved
            ctx.depth -= 1

    def comparator(self, ctx: EvalContext) -> tuple:
        """`FeelFunction.comparator` with the function's scope entered once for the whole sort
        (its depth counted, its per-call steps left to the sort's charge); typed parameters
        and other arities take the checked path per call."""
        if self.types or len(self.params) != 2 or not isinstance(ctx, EvalContext):
            return super().comparator(ctx)
        if ctx.depth >= ctx.max_depth:
            raise LimitExceeded(f"function calls nested more than {ctx.max_depth} deep "
                                "(runaway recursion?)", source=ctx.source)
        first, second = self.params
        body, scope = self.body, self.scope
        saved = ctx.vars
        ctx.depth += 1
        ctx.vars = self.root

        def cmp(a: Any, b: Any) -> int:
            return -1 if body(({first: a, second: b}, scope), ctx) is True else 0

        def done() -> None:
            ctx.vars = saved
            ctx.depth -= 1
        return cmp, done

    def __repr__(self) -> str:
        return f"function({', '.join(self.params)})"


def _function_def(comp: Compiler, node: ast.FunctionDef) -> Closure:
    span = node.span
    if node.external:
        def external(s, c):
            raise EvaluationError("external functions are not supported", source=c.source, span=span,
                                  warnings=tuple(c.warnings))
        return external
    params = tuple(node.params)
    comp.push("local", params)
    try:
        body = comp.compile(node.body)
    finally:
        comp.pop()
    types = tuple(node.param_types) if any(t is not None for t in node.param_types) else ()

    def function_def(s, c):
        return UserFunction(params, body, s, c.vars, types, span)
    return function_def


def invoke(c: EvalContext, fn: Any, args: Any, name: str, span: Span, named: bool = False) -> Any:
    """Call a function value; failures become warnings, limits and real errors propagate."""
    try:
        if isinstance(fn, FeelFunction):
            r = fn.invoke_named(args, c) if named else fn.invoke(args, c)
        else:  # a host callable passed in the variables
            r = fn(**args) if named else fn(*args)
    except FeelFailure as exc:
        kind = exc.kind or WarningKind.FUNCTION_INVOCATION_FAILURE
        c.warn(kind, f"{name}: {exc.message}", span)
        return None
    except SourceError as exc:
        if exc.span is None:
            exc.span, exc.source = span, c.source
        if isinstance(exc, EvaluationError) and not exc.warnings:
            exc.warnings = tuple(c.warnings)
        raise
    except FeelishError:
        raise
    except RecursionError:
        raise LimitExceeded("expression nested too deeply (runaway recursion?)",
                            source=c.source, span=span) from None
    except Exception as exc:  # a host function or a built-in failed unexpectedly
        c.warn(WarningKind.FUNCTION_INVOCATION_FAILURE,
               f"{name} failed ({type(exc).__name__})", span)
        return None
    return charge_result(c, r, span)


def _is_function(v: Any) -> bool:
    return isinstance(v, FeelFunction) or (callable(v) and not isinstance(v, type))


_PROBES = {"is defined", "get or else"}  # their first argument may be missing without a warning
_ABSENT = (WarningKind.NO_VARIABLE_FOUND, WarningKind.NO_CONTEXT_ENTRY_FOUND)


def _probe(f: Closure) -> Closure:
    """Evaluate an argument whose absence is the question: drop missing-name warnings."""
    def probe(s, c):
        strict, before = c.strict, len(c.warnings)
        c.strict = False
        try:
            return f(s, c)
        finally:
            c.strict = strict
            if len(c.warnings) > before:
                kept = [w for w in c.warnings[before:] if w.kind not in _ABSENT]
                del c.warnings[before:]
                for w in kept:
                    c.warnings.append(w)
                if kept and strict:
                    raise EvaluationError(f"{kept[0].kind}: {kept[0].message}", source=c.source,
                                          span=kept[0].span, warnings=tuple(c.warnings),
                                          kind=kept[0].kind)
    return probe


def _call(comp: Compiler, node: ast.Call) -> Closure:
    span = node.span
    callee = node.callee
    named = node.named is not None
    if named:
        arg_names = tuple(a.name for a in node.named)
        arg_fns = tuple([comp.compile(a.value) for a in node.named])
    else:
        arg_fns = tuple([comp.compile(a) for a in node.args])
    if isinstance(callee, ast.Name) and callee.name in _PROBES and arg_fns:
        arg_fns = (_probe(arg_fns[0]),) + arg_fns[1:]

    if isinstance(callee, ast.Name):
        fname = callee.name
        builtin = builtin_named(fname)
        checks, hop = comp.resolve(fname)
        if builtin is not None and not checks and hop is None:
            # most calls: a built-in nobody in scope shadows; the general call (a host function
            # of that name wins) is a partial of a module function: no closures made for it
            general = partial(_named_call if named else _builtin_call, fname, builtin,
                              tuple(zip(arg_names, arg_fns)) if named else arg_fns, span)
            if named:
                return charged(general, len(arg_fns), span)
            return charged(builtin_call(builtin, fname, arg_fns, span, general), len(arg_fns), span)
        else:  # (only here is the general lookup built: it records nothing for a built-in name)
            get = comp.getter(fname, record=builtin is None)

            def find_named(s, c):
                v = get(s, c)
                if v is not MISSING and _is_function(v):
                    return v
                if builtin is not None:
                    return builtin
                if v is MISSING or v is None:
                    c.warn(WarningKind.NO_FUNCTION_FOUND, f"no function found with name '{fname}'", span)
                else:
                    c.warn(WarningKind.NO_FUNCTION_FOUND, f"'{fname}' is not a function", span)
                return None
            find = find_named
    else:
        fname = "function"
        value = comp.compile(callee)

        def find(s, c):
            v = value(s, c)
            if _is_function(v):
                return v
            c.warn(WarningKind.NO_FUNCTION_FOUND, "the called value is not a function", span)
            return None

    if named:
        def call_named(s, c):
            fn = find(s, c)
            if fn is None:
                return None
            return invoke(c, fn, {k: f(s, c) for k, f in zip(arg_names, arg_fns)}, fname, span, True)
        return charged(call_named, len(arg_fns), span)

    if len(arg_fns) == 1:
        arg0 = arg_fns[0]

        def call(s, c):
            fn = find(s, c)
            if fn is None:
                return None
            return invoke(c, fn, [arg0(s, c)], fname, span)
    else:
        def call(s, c):
            fn = find(s, c)
            if fn is None:
                return None
            return invoke(c, fn, [f(s, c) for f in arg_fns], fname, span)
    return charged(call, len(arg_fns), span)


def _found(c: EvalContext, fname: str, builtin) -> Any:
    """The function a call of the built-in `fname` runs: a host function of that name, else the
    built-in."""
    v = c.vars.get(fname, MISSING)
    if v is not MISSING and _is_function(v):
        return v
    return builtin


def _builtin_call(fname: str, builtin, arg_fns: tuple, span: Span, s, c: EvalContext) -> Any:
    """The general call of a built-in nobody in scope shadows (bound by `functools.partial`)."""
    fn = _found(c, fname, builtin)
    return invoke(c, fn, [f(s, c) for f in arg_fns], fname, span)


def _named_call(fname: str, builtin, arg_names: tuple, span: Span, s, c: EvalContext) -> Any:
    """`_builtin_call` with named arguments; `arg_names` are (name, closure) pairs here."""
    fn = _found(c, fname, builtin)
    return invoke(c, fn, {k: f(s, c) for k, f in arg_names}, fname, span, True)


def _iter_range_value(comp: Compiler, node: ast.IterRange) -> Closure:
    """`a..b` outside an iterator: the list of whole numbers it spans."""
    domain = _compile_domain(comp, node)

    def iter_range(s, c):
        d = domain(s, c)
        if d is None:
            return None
        c.charge(len(d), node.span)
        return list(d)
    return iter_range


HANDLERS = {
    ast.If: _if, ast.For: _for, ast.Quantified: _quantified, ast.FunctionDef: _function_def,
    ast.Call: _call, ast.IterRange: _iter_range_value,
}

__all__ = ["HANDLERS", "UserFunction", "invoke"]
