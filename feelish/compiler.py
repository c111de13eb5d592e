"""AST -> Python closures. Compiled once; evaluation never walks the tree.

Every compiled node is a closure `f(s, c)`:
  * `s` is the lexical scope: None at the top, else a chain of pairs `(mapping, parent)`; each
    construct that binds names (a context literal, a function's parameters, a `for`/`some`/`every`
    iteration, a filter's item) pushes exactly one pair, so the compiler knows at compile time how
    many hops up a name lives.  Host variables are not in the chain: they are `c.vars`.
  * `c` is the per-evaluation `EvalContext` (warnings, secrets, budget, clock, strict flag).

Names are resolved at compile time to the cheapest possible lookup: a parameter or iteration
variable is one or two tuple indexes; a free name is one `c.vars.get`; only context-literal
entries (visible to functions defined in that context, so recursion works) and filter items
(whose entry names are only known at run time) need a run-time check.

Control flow, calls and functions live in `compile_flow.py`; `in`, `between` and unary tests in
`compile_unary.py`.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Callable

from . import ast, operators
from .compile_state import MISSING, EvalContext
from .compile_util import as_int, const_of, constant, describe, is_num, walk
from .errors import EvaluationError, FeelishError, Span, WarningKind
from .values import FeelFailure, Range

Closure = Callable[[Any, EvalContext], Any]

_ARITH = {"+": operators.add, "-": operators.sub, "*": operators.mul, "/": operators.div,
          "**": operators.power}
_ORDER = {"<": operators.less, "<=": operators.less_equal, ">": operators.greater,
          ">=": operators.greater_equal}
_SOFT = (ArithmeticError, TypeError, ValueError, AttributeError, KeyError, IndexError)


def _builtin(name: str):
    try:
        from . import builtins
    except ImportError:  # pragma: no cover - only while the built-ins are being written
        return None
    lookup = getattr(builtins, "lookup", None)
    return lookup(name) if lookup else None


class Compiler:
    """Compiles one expression. Collects the free variable names and secret names it reads."""

    def __init__(self, source: str = ""):
        self.source = source
        self.layers: list[tuple[str, frozenset[str]]] = []  # innermost last
        self.free: set[str] = set()
        self.secret_names: set[str] = set()
        self.filter_depth = 0

    # ------------------------------------------------------------------ dispatch

    def compile(self, node: ast.Node) -> Closure:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise EvaluationError(f"cannot evaluate a {type(node).__name__} here",
                                  source=self.source, span=getattr(node, "span", None))
        return handler(self, node)

    def push(self, kind: str, names) -> None:
        self.layers.append((kind, frozenset(names)))

    def pop(self) -> None:
        self.layers.pop()

    # ------------------------------------------------------------------ name resolution

    def resolve(self, name: str) -> tuple[list[tuple[int, str]], int | None]:
        """(run-time checks [(hops, kind)], hops to the layer that surely binds it or None = host)."""
        checks: list[tuple[int, str]] = []
        hop = 0
        for kind, names in reversed(self.layers):
            if kind == "local":
                if name in names:
                    return checks, hop
            elif kind == "context":
                if name in names:
                    checks.append((hop, "context"))
            else:  # filter: the item's entries and `item`
                checks.append((hop, "filter"))
            hop += 1
        return checks, None

    def getter(self, name: str, *, record: bool = True) -> Closure:
        """A closure returning the value bound to `name`, or MISSING."""
        checks, hop = self.resolve(name)
        if hop is None and record and self.filter_depth == 0 and not checks:
            self.free.add(name)
        if not checks:
            if hop is None:
                def from_vars(s, c):
                    return c.vars.get(name, MISSING)
                return from_vars
            return _at_hop(name, hop)
        checks_t = tuple(checks)

        def layered(s, c):
            for hops, kind in checks_t:
                layer = s
                for _ in range(hops):
                    layer = layer[1]
                m = layer[0]
                if kind == "context":
                    if name in m:
                        return m[name]
                else:
                    if isinstance(m, Mapping) and name in m:
                        return m[name]
                    if name == "item":
                        return m
            if hop is None:
                return c.vars.get(name, MISSING)
            layer = s
            for _ in range(hop):
                layer = layer[1]
            return layer[0][name]
        return layered


def _at_hop(name: str, hop: int) -> Closure:
    if hop == 0:
        def local0(s, c):
            return s[0][name]
        return local0
    if hop == 1:
        def local1(s, c):
            return s[1][0][name]
        return local1

    def local_n(s, c):
        for _ in range(hop):
            s = s[1]
        return s[0][name]
    return local_n


def missing_variable(c: EvalContext, name: str, span: Span) -> Any:
    fn = _builtin(name)
    if fn is not None:  # a built-in named as a value (`sort(xs, precedes)` style)
        return fn
    c.warn(WarningKind.NO_VARIABLE_FOUND, f"no variable found with name '{name}'", span)
    return None


def failed(c: EvalContext, exc: BaseException, span: Span, default_kind: str = WarningKind.INVALID_TYPE):
    """Turn a suppressed failure into a warning and null."""
    if isinstance(exc, FeelFailure):
        c.warn(exc.kind or default_kind, exc.message, span)
    else:
        c.warn(default_kind, f"operation failed ({type(exc).__name__})", span)
    return None


# ---------------------------------------------------------------------------- literals


def _number(comp: Compiler, node: ast.NumberLit) -> Closure:
    return constant(node.value)


def _string(comp: Compiler, node: ast.StringLit) -> Closure:
    return constant(node.value)


def _bool(comp: Compiler, node: ast.BoolLit) -> Closure:
    return constant(node.value)


def _null(comp: Compiler, node: ast.NullLit) -> Closure:
    return constant(None)


def _temporal(comp: Compiler, node: ast.TemporalLit) -> Closure:
    from . import temporal
    span, text = node.span, node.text
    try:
        return constant(temporal.parse_literal(text))
    except FeelFailure as exc:
        kind, message = exc.kind, exc.message
    except _SOFT:
        kind, message = WarningKind.INVALID_TYPE, f"invalid temporal literal @{text!r}"

    def bad_literal(s, c):
        c.warn(kind, message, span)
        return None
    return bad_literal


def _secret(comp: Compiler, node: ast.SecretRef) -> Closure:
    name = node.name
    comp.secret_names.add(name)

    def secret(s, c):
        return c.secrets.resolve(name)
    return secret


def _secret_string(comp: Compiler, node: ast.SecretString) -> Closure:
    parts: list[Any] = []
    for part in node.parts:
        if isinstance(part, ast.SecretRef):
            comp.secret_names.add(part.name)
            parts.append((part.name,))
        else:
            parts.append(part)
    parts_t = tuple(parts)

    def secret_string(s, c):
        resolve = c.secrets.resolve
        return "".join(p if type(p) is str else resolve(p[0]) for p in parts_t)
    return secret_string


def _list(comp: Compiler, node: ast.ListLit) -> Closure:
    items = tuple(comp.compile(i) for i in node.items)
    values = [const_of(f) for f in items]
    if all(v is not MISSING for v in values):
        return constant(values)

    def list_lit(s, c):
        return [f(s, c) for f in items]
    return list_lit


def _context(comp: Compiler, node: ast.ContextLit) -> Closure:
    keys = frozenset(e.key for e in node.entries)
    # When no entry can see another (no name of an entry, no function, no filter in the values),
    # the entries need no scope of their own: build the dict in one comprehension.
    self_contained = not any(
        (type(n) is ast.Name and n.name in keys) or type(n) in (ast.FunctionDef, ast.Filter)
        for e in node.entries for n in walk(e.value))
    if self_contained:
        entries = tuple((e.key, comp.compile(e.value)) for e in node.entries)
    else:
        comp.push("context", keys)
        try:
            entries = tuple((e.key, comp.compile(e.value)) for e in node.entries)
        finally:
            comp.pop()
    values = {k: const_of(f) for k, f in entries}
    if all(v is not MISSING for v in values.values()):
        return constant(values)
    if self_contained:
        def context_flat(s, c):
            return {key: f(s, c) for key, f in entries}
        return context_flat

    def context_lit(s, c):
        d: dict[str, Any] = {}
        layer = (d, s)
        for key, f in entries:
            d[key] = f(layer, c)
        return d
    return context_lit


def _bounds(start: Any, end: Any, si: bool, ei: bool, has_start: bool, has_end: bool) -> Range:
    # A bound that is written but evaluates to null is a *null* bound, not an open one: the value
    # model marks it as an included None (membership is then unknown, and `(null..10)` differs
    # from `< 10`).
    if start is None and has_start:
        si = True
    if end is None and has_end:
        ei = True
    return Range(start, end, si, ei)


def _range(comp: Compiler, node: ast.RangeLit) -> Closure:
    start = comp.compile(node.start) if node.start is not None else constant(None)
    end = comp.compile(node.end) if node.end is not None else constant(None)
    si, ei = node.start_included, node.end_included
    hs, he = node.start is not None, node.end is not None
    a, b = const_of(start), const_of(end)
    if a is not MISSING and b is not MISSING:
        return constant(_bounds(a, b, si, ei, hs, he))

    def range_lit(s, c):
        return _bounds(start(s, c), end(s, c), si, ei, hs, he)
    return range_lit


def _unary_compare_value(comp: Compiler, node: ast.UnaryCompare) -> Closure:
    """`< 10` used as a value (a function argument): an open-ended range."""
    value = comp.compile(node.value)
    op = node.op
    if op in ("=", "!="):
        return value
    make = {"<": lambda v: Range(None, v, False, False), "<=": lambda v: Range(None, v, False, True),
            ">": lambda v: Range(v, None, False, False), ">=": lambda v: Range(v, None, True, False)}[op]

    def open_range(s, c):
        return make(value(s, c))
    return open_range


# ---------------------------------------------------------------------------- names and paths


def _name(comp: Compiler, node: ast.Name) -> Closure:
    name, span = node.name, node.span
    checks, hop = comp.resolve(name)
    if not checks and hop is not None:
        return _at_hop(name, hop)
    if not checks:
        if comp.filter_depth == 0:
            comp.free.add(name)

        def variable(s, c):
            v = c.vars.get(name, MISSING)
            if v is MISSING:
                return missing_variable(c, name, span)
            return v
        return variable
    if checks == [(0, "filter")] and hop is None:  # a bare name in a filter: entry, item, variable
        if name == "item":
            def item_name(s, c):
                m = s[0]
                if type(m) is dict:
                    v = m.get(name, MISSING)
                    if v is not MISSING:
                        return v
                elif isinstance(m, Mapping) and name in m:
                    return m[name]
                return m
            return item_name

        def entry_name(s, c):
            m = s[0]
            if type(m) is dict:
                v = m.get(name, MISSING)
                if v is not MISSING:
                    return v
            elif isinstance(m, Mapping) and name in m:
                return m[name]
            v = c.vars.get(name, MISSING)
            if v is MISSING:
                return missing_variable(c, name, span)
            return v
        return entry_name
    get = comp.getter(name)

    def scoped(s, c):
        v = get(s, c)
        if v is MISSING:
            return missing_variable(c, name, span)
        return v
    return scoped


def _input(comp: Compiler, node: ast.InputRef) -> Closure:
    span = node.span

    def input_ref(s, c):
        v = c.input
        if v is MISSING:
            raise EvaluationError("'?' (the input value) can only be used in a unary test",
                                  source=c.source, span=span, warnings=tuple(c.warnings))
        return v
    return input_ref


def no_entry(c: EvalContext, ctx: Mapping, name: str, span: Span) -> None:
    keys = list(ctx.keys())
    shown = ", ".join(repr(k) for k in keys[:12]) + (", ..." if len(keys) > 12 else "")
    c.warn(WarningKind.NO_CONTEXT_ENTRY_FOUND,
           f"no context entry found with key '{name}'; available keys: [{shown}]", span)
    return None


def _project(c: EvalContext, item: Any, name: str, span: Span) -> Any:
    if isinstance(item, Mapping):
        return item.get(name)
    if item is None:
        return None
    if isinstance(item, (list, tuple)):
        return [_project(c, x, name, span) for x in item]
    try:
        return operators.get_property(item, name)
    except (FeelFailure, *_SOFT) as exc:
        return failed(c, exc, span, WarningKind.NO_PROPERTY_FOUND)


def path_step(c: EvalContext, v: Any, name: str, span: Span) -> Any:
    """`v.name` for anything that is not a plain dict (the fast case is inlined)."""
    if v is None:
        return None
    if isinstance(v, Mapping):
        w = v.get(name, MISSING)
        return no_entry(c, v, name, span) if w is MISSING else w
    if isinstance(v, (list, tuple)):
        c.charge(len(v), span)
        return [_project(c, x, name, span) for x in v]
    try:
        return operators.get_property(v, name)
    except (FeelFailure, *_SOFT) as exc:
        return failed(c, exc, span, WarningKind.NO_PROPERTY_FOUND)


def _const_index(node: ast.Node) -> int | None:
    """The whole number of a literal filter index (`[2]`, `[-1]`), else None."""
    if type(node) is ast.NumberLit:
        return as_int(node.value)
    if type(node) is ast.Negate and type(node.operand) is ast.NumberLit:
        i = as_int(node.operand.value)
        return None if i is None else -i
    return None


def _access_chain(comp: Compiler, node: ast.Node) -> Closure:
    """`a.b.c[1].d`: consecutive paths and literal indexes compiled into one loop."""
    steps: list[tuple[str | None, int, Span]] = []
    n: ast.Node = node
    while True:
        if type(n) is ast.Path:
            steps.append((n.name, 0, n.span))
        elif type(n) is ast.Filter and _const_index(n.condition) is not None:
            steps.append((None, _const_index(n.condition), n.span))  # type: ignore[arg-type]
        else:
            break
        n = n.base  # type: ignore[attr-defined]
    steps.reverse()
    base = comp.compile(n)
    steps_t = tuple(steps)

    def chain(s, c):
        v = base(s, c)
        for key, idx, span in steps_t:
            if key is not None:
                if type(v) is dict:
                    w = v.get(key, MISSING)
                    v = no_entry(c, v, key, span) if w is MISSING else w
                else:
                    v = path_step(c, v, key, span)
            elif type(v) is list:
                size = len(v)
                if 0 < idx <= size:
                    v = v[idx - 1]
                elif 0 < -idx <= size:
                    v = v[size + idx]
                else:
                    v = None
            elif v is not None:
                v = pick(c, _as_list(v), idx, span)
        return v
    return chain


def _path(comp: Compiler, node: ast.Path) -> Closure:
    return _access_chain(comp, node)


def pick(c: EvalContext, items: list, index: Any, span: Span) -> Any:
    """`items[index]`: 1-based, negative from the end, 0 / out of range / not whole -> null."""
    i = as_int(index)
    if i is None:
        c.warn(WarningKind.INVALID_TYPE, "a list index must be a whole number", span)
        return None
    n = len(items)
    if 0 < i <= n:
        return items[i - 1]
    if 0 < -i <= n:
        return items[n + i]
    return None


def _as_list(v: Any) -> list | tuple:
    if type(v) is list or type(v) is tuple:
        return v
    if isinstance(v, (list, tuple)):
        return v
    return [v]  # a filter on a non-list value treats it as a singleton list


def _filter(comp: Compiler, node: ast.Filter) -> Closure:
    if _const_index(node.condition) is not None:
        return _access_chain(comp, node)
    base = comp.compile(node.base)
    span = node.span
    comp.push("filter", ())
    comp.filter_depth += 1
    try:
        cond = comp.compile(node.condition)
    finally:
        comp.filter_depth -= 1
        comp.pop()
    k = const_of(cond)
    if k is not MISSING and is_num(k):
        def index_filter(s, c):
            v = base(s, c)
            if v is None:
                return None
            return pick(c, _as_list(v), k, span)
        return index_filter
    if k is True or k is False:
        def bool_filter(s, c):
            v = base(s, c)
            if v is None:
                return None
            return list(_as_list(v)) if k else []
        return bool_filter

    def filter_(s, c):
        v = base(s, c)
        if v is None:
            return None
        items = _as_list(v)
        c.steps -= len(items)
        if c.steps < 0:
            c.exceeded(span)
        out = []
        first = True
        for item in items:
            r = cond((item, s), c)
            if r is True:
                out.append(item)
            elif first and r is not None and r is not False and is_num(r):
                return pick(c, items, r, span)  # the condition is an index
            first = False
        return out
    return filter_


# ---------------------------------------------------------------------------- operators


def _negate(comp: Compiler, node: ast.Negate) -> Closure:
    operand = comp.compile(node.operand)
    span = node.span
    k = const_of(operand)
    if k is not MISSING:
        try:
            return constant(operators.negate(k))
        except (FeelFailure, *_SOFT):
            pass
    neg = operators.negate

    def negate(s, c):
        try:
            return neg(operand(s, c))
        except (FeelFailure, *_SOFT) as exc:
            return failed(c, exc, span)
    return negate


def _arith(comp: Compiler, node: ast.Arith) -> Closure:
    left, right = comp.compile(node.left), comp.compile(node.right)
    op, span = _ARITH[node.op], node.span
    a, b = const_of(left), const_of(right)
    if a is not MISSING and b is not MISSING:
        try:
            value = op(a, b)
            if type(value) is not str or len(value) <= 1_000_000:
                return constant(value)
        except (FeelFailure, *_SOFT):
            pass
    if node.op == "+":
        def plus(s, c):
            try:
                r = op(left(s, c), right(s, c))
            except (FeelFailure, *_SOFT) as exc:
                return failed(c, exc, span)
            if type(r) is str and len(r) > 64:
                c.check_string(r, span)
            return r
        return plus

    def arith(s, c):
        try:
            return op(left(s, c), right(s, c))
        except (FeelFailure, *_SOFT) as exc:
            return failed(c, exc, span)
    return arith


_FAST = (Decimal, int)  # host ints and Decimals compare exactly with Python's operators
_NATIVE = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
           ">=": lambda a, b: a >= b, "=": lambda a, b: a == b, "!=": lambda a, b: a != b}


def _compare(comp: Compiler, node: ast.Compare) -> Closure:
    left, right = comp.compile(node.left), comp.compile(node.right)
    span = node.span
    if node.op == "=":
        op = operators.equal
    elif node.op == "!=":
        op = operators.not_equal
    else:
        op = _ORDER[node.op]
    a, b = const_of(left), const_of(right)
    if a is not MISSING and b is not MISSING:
        try:
            return constant(op(a, b))
        except (FeelFailure, *_SOFT):
            pass
    native = _NATIVE[node.op]
    if b is not MISSING and type(b) in _FAST:  # `x > 5`: the most common shape in filters
        def compare_const(s, c):
            x = left(s, c)
            if type(x) in _FAST:
                return native(x, b)
            try:
                return op(x, b)
            except (FeelFailure, *_SOFT) as exc:
                return failed(c, exc, span, WarningKind.NOT_COMPARABLE)
        return compare_const

    def compare(s, c):
        x, y = left(s, c), right(s, c)
        tx = type(x)
        if (tx is type(y) and (tx is str or tx is Decimal)) or (tx in _FAST and type(y) in _FAST):
            return native(x, y)
        try:
            return op(x, y)
        except (FeelFailure, *_SOFT) as exc:
            return failed(c, exc, span, WarningKind.NOT_COMPARABLE)
    return compare


def _and(comp: Compiler, node: ast.And) -> Closure:
    left, right = comp.compile(node.left), comp.compile(node.right)

    def and_(s, c):
        a = left(s, c)
        if a is False:
            return False
        b = right(s, c)
        if b is False:
            return False
        if a is True and b is True:
            return True
        return None
    return and_


def _or(comp: Compiler, node: ast.Or) -> Closure:
    left, right = comp.compile(node.left), comp.compile(node.right)

    def or_(s, c):
        a = left(s, c)
        if a is True:
            return True
        b = right(s, c)
        if b is True:
            return True
        if a is False and b is False:
            return False
        return None
    return or_


def _instance_of(comp: Compiler, node: ast.InstanceOf) -> Closure:
    value = comp.compile(node.value)
    typeref, span = node.type, node.span
    matches = operators.type_matches

    def instance_of(s, c):
        try:
            return matches(value(s, c), typeref)
        except (FeelFailure, *_SOFT) as exc:
            return failed(c, exc, span)
    return instance_of


_HANDLERS: dict[type, Callable[[Compiler, Any], Closure]] = {
    ast.NumberLit: _number, ast.StringLit: _string, ast.BoolLit: _bool, ast.NullLit: _null,
    ast.TemporalLit: _temporal, ast.SecretRef: _secret, ast.SecretString: _secret_string,
    ast.ListLit: _list, ast.ContextLit: _context, ast.RangeLit: _range,
    ast.UnaryCompare: _unary_compare_value,
    ast.Name: _name, ast.InputRef: _input, ast.Path: _path, ast.Filter: _filter,
    ast.Negate: _negate, ast.Arith: _arith, ast.Compare: _compare, ast.And: _and, ast.Or: _or,
    ast.InstanceOf: _instance_of,
}


def _register_rest() -> None:
    from . import compile_flow, compile_unary
    _HANDLERS.update(compile_flow.HANDLERS)
    _HANDLERS.update(compile_unary.HANDLERS)


_register_rest()


def compile_node(node: ast.Node, source: str = "") -> tuple[Closure, frozenset[str], frozenset[str]]:
    """Compile an expression AST: (closure, free variable names, secret names)."""
    comp = Compiler(source)
    fn = comp.compile(node)
    return fn, frozenset(comp.free), frozenset(comp.secret_names)


__all__ = ["Compiler", "compile_node", "MISSING", "EvalContext", "FeelishError", "Decimal",
           "describe"]
