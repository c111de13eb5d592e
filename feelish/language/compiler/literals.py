"""Literals, ranges, negation, `+ - * / **`, `and`/`or` and `instance of`: the node families
that need nothing but the shared helpers of `base`."""
from __future__ import annotations

from .. import ast, operators, temporal
from ...errors import WarningKind
from ..values import FeelFailure, Range
from ...taint import spliced
from .arith import specialise
from .base import ARITH, SOFT, Closure, Compiler, failed
from .state import MISSING
from .util import PLAIN_TYPES, charged, const_of, constant, export, exported_of, plain, walk

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


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
    span, text = node.span, node.text
    try:
        return constant(temporal.parse_literal(text))
    except FeelFailure as exc:
        kind, message = exc.kind, exc.message
    except SOFT:
        kind, message = WarningKind.INVALID_TYPE, f"invalid temporal literal @{text!r}"

    def bad_literal(s, c):
        c.warn(kind, message, span)
        return None
    return bad_literal


def _secret(comp: Compiler, node: ast.SecretRef) -> Closure:
    name = node.name
    comp.secret_names.add(name)

    def secret(s, c):
        return spliced(c.secrets.resolve(name))
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
        return spliced("".join(p if type(p) is str else resolve(p[0]) for p in parts_t))
    return secret_string


def _list(comp: Compiler, node: ast.ListLit) -> Closure:
    # plain loops, no generator expressions: a list literal is compiled often (and is small)
    compile_ = comp.compile
    fns, values = [], []
    folded = every_plain = True
    for i in node.items:
        f = compile_(i)
        fns.append(f)
        if folded:
            v = getattr(f, "const", MISSING)
            if v is MISSING:
                folded = False
            else:
                values.append(v)
        if every_plain and not getattr(f, "plain", False):
            every_plain = False
    if folded:
        return constant(values)
    items = tuple(fns)

    def list_lit(s, c):
        return [f(s, c) for f in items]
    if every_plain:
        return charged(plain(list_lit), len(items), node.span)
    items_ex = tuple([exported_of(f) for f in items])

    def list_exported(s, c):
        return [f(s, c) for f in items_ex]
    list_lit.exported = list_exported  # type: ignore[attr-defined]
    return charged(list_lit, len(items), node.span)


def is_self_contained(node: ast.ContextLit, comp: Compiler | None = None) -> bool:
    """When no entry can see another (no name of an EARLIER entry -- an entry is bound only after
    its value is computed, so `{page: page}` reads the variable -- and no function or filter in
    the values), the entries need no scope of their own: the dict is built in one pass.  With
    the compiler `comp`, an entry whose source text shows none of them is not walked
    (`Compiler.may_see`)."""
    earlier: set[str] = set()
    for e in node.entries:
        if (comp is None or comp.may_see(e, earlier)) and any(
                (type(n) is ast.Name and n.name in earlier) or type(n) is ast.FunctionDef
                or (type(n) is ast.Filter and not _literal_index(n.condition))
                for n in walk(e.value)):
            return False
        earlier.add(e.key)
    return True


def _context(comp: Compiler, node: ast.ContextLit) -> Closure:
    # (plain loops and list comprehensions, no generator expressions: contexts are compiled often)
    self_contained = is_self_contained(node, comp)
    compile_ = comp.compile
    if self_contained:
        entries = tuple([(e.key, compile_(e.value)) for e in node.entries])
    else:
        comp.push("context", frozenset([e.key for e in node.entries]))
        try:
            entries = tuple([(e.key, compile_(e.value)) for e in node.entries])
        finally:
            comp.pop()
    values = {}
    for k, f in entries:
        values[k] = getattr(f, "const", MISSING)
    for v in values.values():
        if v is MISSING:
            break
    else:
        return constant(values)
    if self_contained:
        # A template holds the entries in order, with the immutable constants filled in; each
        # evaluation copies it and sets only the computed entries.
        template = {}
        for k, v in values.items():
            template[k] = v if v is not MISSING and type(v) is not list and type(v) is not dict \
                else None
        computed = tuple([(k, f) for k, f in entries
                          if values[k] is MISSING or type(values[k]) in (list, dict)])

        def context_flat(s, c):
            d = template.copy()
            for key, f in computed:
                d[key] = f(s, c)
            return d
        for _, f in computed:
            if not getattr(f, "plain", False):
                break
        else:
            return charged(plain(context_flat), len(entries), node.span)
        # a variable entry (`q: query`) is read inline; its closure runs only when it is missing
        computed_ex = tuple([(k, getattr(f, "var_name", None), exported_of(f)) for k, f in computed])

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
                        d[key] = v if type(v) in PLAIN_TYPES else export(v)
            return d
        context_flat.exported = context_exported  # type: ignore[attr-defined]
        return charged(context_flat, len(entries), node.span)

    def context_lit(s, c):
        d: dict[str, Any] = {}
        layer = (d, s)
        for key, f in entries:
            d[key] = f(layer, c)
        return d
    return charged(context_lit, len(entries), node.span)


def _literal_index(node: ast.Node) -> bool:
    """`xs[2]`, `xs[-1]`: an index written as a number literal (no names, no item scope)."""
    return type(node) is ast.NumberLit or (type(node) is ast.Negate
                                           and type(node.operand) is ast.NumberLit)


def _bounds(start: Any, end: Any, si: bool, ei: bool, has_start: bool, has_end: bool,
            single: bool = False) -> Range:
    # A bound that is written but evaluates to null is a *null* bound, not an open one: the value
    # model marks it as an included None (membership is then unknown, and `(null..10)` differs
    # from `< 10`).
    if start is None and has_start:
        si = True
    if end is None and has_end:
        ei = True
    return Range(start, end, si, ei, single)


def _range(comp: Compiler, node: ast.RangeLit) -> Closure:
    start = comp.compile(node.start) if node.start is not None else constant(None)
    end = comp.compile(node.end) if node.end is not None else constant(None)
    si, ei = node.start_included, node.end_included
    hs, he = node.start is not None, node.end is not None
    single = hs and node.start == node.end and si and ei  # `(= x)`: the parser's [x..x], one node
    a, b = const_of(start), const_of(end)
    if a is not MISSING and b is not MISSING:
        return constant(_bounds(a, b, si, ei, hs, he, single))

    def range_lit(s, c):
        return _bounds(start(s, c), end(s, c), si, ei, hs, he, single)
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
        except (FeelFailure, *SOFT):
            pass
    neg = operators.negate

    def negate(s, c):
        try:
            return neg(operand(s, c))
        except (FeelFailure, *SOFT) as exc:
            return failed(c, exc, span)
    return plain(negate)


def _arith(comp: Compiler, node: ast.Arith) -> Closure:
    left, right = comp.compile(node.left), comp.compile(node.right)
    op, span = ARITH[node.op], node.span
    a, b = const_of(left), const_of(right)
    if a is not MISSING and b is not MISSING:
        try:
            value = op(a, b)
            if type(value) is not str or len(value) <= 1_000_000:
                return constant(value)
        except (FeelFailure, *SOFT):
            pass
    fast = specialise(node.op, left, right, a, b, span, op, SOFT, failed)
    if fast is not None:
        return plain(fast)
    if node.op == "+":
        def plus(s, c):
            try:
                r = op(left(s, c), right(s, c))
            except (FeelFailure, *SOFT) as exc:
                return failed(c, exc, span)
            if type(r) is str and len(r) > 64:
                c.check_string(r, span)
            return r
        return plain(plus)

    def arith(s, c):
        try:
            return op(left(s, c), right(s, c))
        except (FeelFailure, *SOFT) as exc:
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
        except (FeelFailure, *SOFT) as exc:
            return failed(c, exc, span)
    return plain(instance_of)


HANDLERS = {
    ast.NumberLit: _number, ast.StringLit: _string, ast.BoolLit: _bool, ast.NullLit: _null,
    ast.TemporalLit: _temporal, ast.SecretRef: _secret, ast.SecretString: _secret_string,
    ast.ListLit: _list, ast.ContextLit: _context, ast.RangeLit: _range,
    ast.UnaryCompare: _unary_compare_value,
    ast.Negate: _negate, ast.Arith: _arith, ast.And: _and, ast.Or: _or,
    ast.InstanceOf: _instance_of,
}
