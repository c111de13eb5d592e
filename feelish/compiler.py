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

Control flow, calls and functions live in `compile_flow.py`; names, paths and filters in
`compile_access.py`; `in`, `between` and unary tests in `compile_unary.py`; comparisons in
`compile_compare.py`; `+ - *` fast paths in `compile_arith.py`; direct and folded built-in calls
in `compile_calls.py`.

Speed (issue 6).  Closures carry optional attributes that let their parents skip work, never
changing a result:
  * `.const` -- a folded literal value;  `.plain` -- results never need `export` (the top level
    returns them as they are);  `.exported` -- a variant returning the exported result (contexts,
    lists, variables, paths), so `exporting(fn)` only normalises what came from the host;
  * `.var_name` -- a free variable read: operators, calls and contexts read `c.vars` inline;
  * `.local_name` / `.of_local` -- a loop variable, and `x <op> literal` given x's value: loops
    map over their domain without binding a scope per item;
  * `.entry_name` / `.of_item` -- a bare name in a filter, and conditions given the item.

Semantic choices where the reference engines disagree (each is in tests/spec/*.json):
  * a filter on a non-list value treats it as a one-element list (DMN, feelin; feel-scala: null);
  * a `for` iterator may use an earlier one (`for x in 1..3, y in x..3`), as in feelin;
  * a function defined in a context sees every entry of that context when it is called, so
    recursion through a context entry works (feel-scala: null);
  * `if` takes the else branch for any condition that is not `true`; `and`/`or`/`some`/`every`
    are three-valued (`every x in [1, null] satisfies x > 0` is null); `between` never swaps its
    bounds -- all as feel-scala;
  * inside a filter a bare name is an entry of the item, else `item`, else a variable;
  * `is defined(x)` / `get or else(x, d)` may name something missing without a warning, even in
    strict mode (their point is to ask);
  * a range bound that is written but null (`(null..10]`) is a null bound, not an open end;
  * `for` also iterates a range of dates, one day at a time (DMN 1.5).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from .language import ast, operators
from .compile_state import MISSING, EvalContext
from .compile_util import _PLAIN, const_of, constant, export, exported_of, plain, walk
from .errors import EvaluationError, Span, WarningKind
from .language.values import FeelFailure, Range

Closure = Callable[[Any, EvalContext], Any]

_ARITH = {"+": operators.add, "-": operators.sub, "*": operators.mul, "/": operators.div,
          "**": operators.power}
_ORDER = {"<": operators.less, "<=": operators.less_equal, ">": operators.greater,
          ">=": operators.greater_equal}
_SOFT = (ArithmeticError, TypeError, ValueError, AttributeError, KeyError, IndexError)


def _builtin(name: str):
    try:
        from .language import builtins
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
        local0.local_name = name  # type: ignore[attr-defined]  # lets loops pass the value directly
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
    from .language import temporal
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
    if all(getattr(f, "plain", False) for f in items):
        return plain(list_lit)
    items_ex = tuple(exported_of(f) for f in items)

    def list_exported(s, c):
        return [f(s, c) for f in items_ex]
    list_lit.exported = list_exported  # type: ignore[attr-defined]
    return list_lit


def _context(comp: Compiler, node: ast.ContextLit) -> Closure:
    keys = frozenset(e.key for e in node.entries)
    # When no entry can see another (no name of an EARLIER entry -- an entry is bound only after
    # its value is computed, so `{page: page}` reads the variable -- and no function or filter in
    # the values), the entries need no scope of their own: build the dict in one pass.
    self_contained = True
    earlier: set[str] = set()
    for e in node.entries:
        if any((type(n) is ast.Name and n.name in earlier) or type(n) is ast.FunctionDef
               or (type(n) is ast.Filter and not _literal_index(n.condition))
               for n in walk(e.value)):
            self_contained = False
            break
        earlier.add(e.key)
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
        # A template holds the entries in order, with the immutable constants filled in; each
        # evaluation copies it and sets only the computed entries.
        template = {k: (v if v is not MISSING and type(v) not in (list, dict) else None)
                    for k, v in values.items()}
        computed = tuple((k, f) for k, f in entries
                         if values[k] is MISSING or type(values[k]) in (list, dict))

        def context_flat(s, c):
            d = template.copy()
            for key, f in computed:
                d[key] = f(s, c)
            return d
        if all(getattr(f, "plain", False) for _, f in computed):
            return plain(context_flat)
        # a variable entry (`q: query`) is read inline; its closure runs only when it is missing
        computed_ex = tuple((k, getattr(f, "var_name", None), exported_of(f)) for k, f in computed)

        def context_exported(s, c):
            d = template.copy()
            vs = c.vars
            for key, var, f in computed_ex:
                if var is None:
                    d[key] = f(s, c)
                else:
                    v = vs.get(var, MISSING)
                    if v is MISSING:
                        d[key] = f(s, c)
                    else:
                        d[key] = v if type(v) in _PLAIN else export(v)
            return d
        context_flat.exported = context_exported  # type: ignore[attr-defined]
        return context_flat

    def context_lit(s, c):
        d: dict[str, Any] = {}
        layer = (d, s)
        for key, f in entries:
            d[key] = f(layer, c)
        return d
    return context_lit


def _literal_index(node: ast.Node) -> bool:
    """`xs[2]`, `xs[-1]`: an index written as a number literal (no names, no item scope)."""
    return type(node) is ast.NumberLit or (type(node) is ast.Negate
                                           and type(node.operand) is ast.NumberLit)


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
    return plain(negate)


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
    from .compile_arith import specialise
    fast = specialise(node.op, left, right, a, b, span, op, _SOFT, failed)
    if fast is not None:
        return plain(fast)
    if node.op == "+":
        def plus(s, c):
            try:
                r = op(left(s, c), right(s, c))
            except (FeelFailure, *_SOFT) as exc:
                return failed(c, exc, span)
            if type(r) is str and len(r) > 64:
                c.check_string(r, span)
            return r
        return plain(plus)

    def arith(s, c):
        try:
            return op(left(s, c), right(s, c))
        except (FeelFailure, *_SOFT) as exc:
            return failed(c, exc, span)
    return plain(arith)


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
    left_item, right_item = getattr(left, "of_item", None), getattr(right, "of_item", None)
    if left_item is not None and right_item is not None:
        def and_item(m, s, c):  # a filter condition, given the item (see `_filter`)
            a = left_item(m, s, c)
            if a is False:
                return False
            b = right_item(m, s, c)
            if b is False:
                return False
            if a is True and b is True:
                return True
            return None
        and_.of_item = and_item  # type: ignore[attr-defined]
    return plain(and_)


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
    return plain(or_)


def _instance_of(comp: Compiler, node: ast.InstanceOf) -> Closure:
    value = comp.compile(node.value)
    typeref, span = node.type, node.span
    matches = operators.type_matches

    def instance_of(s, c):
        try:
            return matches(value(s, c), typeref)
        except (FeelFailure, *_SOFT) as exc:
            return failed(c, exc, span)
    return plain(instance_of)


_HANDLERS: dict[type, Callable[[Compiler, Any], Closure]] = {
    ast.NumberLit: _number, ast.StringLit: _string, ast.BoolLit: _bool, ast.NullLit: _null,
    ast.TemporalLit: _temporal, ast.SecretRef: _secret, ast.SecretString: _secret_string,
    ast.ListLit: _list, ast.ContextLit: _context, ast.RangeLit: _range,
    ast.UnaryCompare: _unary_compare_value,
    ast.Negate: _negate, ast.Arith: _arith, ast.And: _and, ast.Or: _or,
    ast.InstanceOf: _instance_of,
}


def _register_rest() -> None:
    from . import compile_access, compile_compare, compile_flow, compile_unary
    _HANDLERS.update(compile_compare.HANDLERS)
    _HANDLERS.update(compile_access.HANDLERS)
    _HANDLERS.update(compile_flow.HANDLERS)
    _HANDLERS.update(compile_unary.HANDLERS)


_register_rest()


def compile_node(node: ast.Node, source: str = "") -> tuple[Closure, frozenset[str], frozenset[str]]:
    """Compile an expression AST: (closure, free variable names, secret names)."""
    comp = Compiler(source)
    fn = comp.compile(node)
    return fn, frozenset(comp.free), frozenset(comp.secret_names)


def exporting(fn: Closure) -> Closure:
    """The closure `fn` with its result normalised for the host (`compile_util.export`), doing
    only the work its shape needs: nothing for plain results, per entry for context literals."""
    return exported_of(fn)


__all__ = ["Closure", "Compiler", "compile_node", "exporting", "failed", "missing_variable"]
