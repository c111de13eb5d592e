"""Compiling names, `?`, paths (`a.b`, projections over lists) and filters (`xs[cond]`, `xs[1]`);
consecutive paths and literal indexes (`a.b.c[1].d`) compile into one loop over pre-split steps."""
from __future__ import annotations

from decimal import Decimal
from collections.abc import Mapping

from .. import ast, operators
from .state import MISSING, EvalContext
from .util import CHARGE_FROM, PLAIN_TYPES, as_int, const_of, export, is_num
from .base import SOFT, Closure, Compiler, at_hop, failed, missing_variable
from ...errors import EvaluationError, Span, WarningKind
from ..values import FeelFailure

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

def _name(comp: Compiler, node: ast.Name) -> Closure:
    name, span = node.name, node.span
    checks, hop = comp.resolve(name)
    if not checks and hop is not None:
        return at_hop(name, hop)
    if not checks:
        comp.read((name,))

        def variable(s, c):
            v = c.vars.get(name, MISSING)
            if v is MISSING:
                return missing_variable(c, name, span)
            return v

        def variable_exported(s, c):
            v = c.vars.get(name, MISSING)
            if v is MISSING:
                return missing_variable(c, name, span)
            return v if type(v) in PLAIN_TYPES else export(v)
        variable.exported = variable_exported  # type: ignore[attr-defined]
        # operators and calls read `c.vars.get(var_name, MISSING)` inline, calling the closure
        # only when the variable is missing (it warns, or finds a built-in named as a value)
        variable.var_name = name  # type: ignore[attr-defined]
        return variable
    if checks == [(0, "filter")] and hop is None:  # a bare name in a filter: entry, item, variable
        if name != "item":
            comp.read((name,))  # maybe an entry of the item, listed all the same (as feel-scala)
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
        entry_name.entry_name = name  # type: ignore[attr-defined]  # lets a comparison inline it
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
    if type(item) is dict or isinstance(item, Mapping):
        return item.get(name)
    if item is None:
        return None
    if isinstance(item, (list, tuple)):
        return [_project(c, x, name, span) for x in item]
    try:
        return operators.get_property(item, name)
    except (FeelFailure, *SOFT) as exc:
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
        return [x.get(name) if type(x) is dict else _project(c, x, name, span) for x in v]
    try:
        return operators.get_property(v, name)
    except (FeelFailure, *SOFT) as exc:
        return failed(c, exc, span, WarningKind.NO_PROPERTY_FOUND)


def _const_index(node: ast.Node) -> int | None:
    """The whole number of a literal filter index (`[2]`, `[-1]`), else None."""
    if type(node) is ast.NumberLit:
        return as_int(node.value)
    if type(node) is ast.Negate and type(node.operand) is ast.NumberLit:
        i = as_int(node.operand.value)
        return None if i is None else -i
    return None


const_index = _const_index  # shared with the generated fast paths (codegen)


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
    steps_t = tuple(steps)
    root: str | None = None
    base: Closure | None = None
    if type(n) is ast.Name and comp.resolve(n.name) == ([], None):
        root, root_span = n.name, n.span  # the common `variable.a.b[1]`: read it inline
        keys: list[str] = []
        for key, _, _ in steps_t:
            if key is None:
                break
            keys.append(key)
        comp.read((root, *keys))
    else:
        base = comp.compile(n)

    if root is None:
        def chain(s, c):
            return walk_steps(c, base(s, c), steps_t)

        def chain_exported(s, c):
            v = walk_steps(c, base(s, c), steps_t)
            return v if type(v) in PLAIN_TYPES else export(v)
        # `chain_exported` is the fallback of `local_entry` below; `chain` gets its `.exported`
        # only when it is itself the result (marking it otherwise would make a reference cycle
        # that only the garbage collector frees)
        local = getattr(base, "local_name", None)
        if local is None or len(steps_t) != 1 or steps_t[0][0] is None:
            chain.exported = chain_exported  # type: ignore[attr-defined]
            return chain
        key = steps_t[0][0]

        def local_entry(s, c):  # `x.price` of a function parameter or loop variable `x`
            v = s[0][local]
            if type(v) is dict:
                w = v.get(key, MISSING)
                if w is not MISSING:
                    return w
            return chain(s, c)  # anything else: the general walk (reading a local is pure)
        local_entry.exported = chain_exported  # type: ignore[attr-defined]
        return local_entry
    # `var.a.b[1].c`: dict entries that exist and positive indexes in range need no span and no
    # warning; at the first step that is anything else, the general walk (`walk_root`) starts
    # over (every read before it was a pure dict or list read, so nothing is done twice).  The
    # general walk is a module function: no fallback closures are made per path.
    path = tuple(key if key is not None else idx for key, idx, _ in steps_t)
    if len(path) == 1 and type(path[0]) is str:
        return _chain1(root, path[0], root_span, steps_t)
    if len(path) == 2 and type(path[0]) is str and type(path[1]) is str:
        return _chain2(root, path[0], path[1], root_span, steps_t)

    def chain_fast(s, c):
        v = c.vars.get(root, MISSING)
        if v is MISSING:
            return walk_root(c, root, root_span, steps_t)
        for step in path:
            if type(step) is str:
                if type(v) is dict:
                    w = v.get(step, MISSING)
                    if w is not MISSING:
                        v = w
                        continue
            elif type(v) is list and 0 < step <= len(v):
                v = v[step - 1]
                continue
            return walk_root(c, root, root_span, steps_t)
        return v

    def chain_fast_exported(s, c):
        v = c.vars.get(root, MISSING)
        if v is MISSING:
            v = walk_root(c, root, root_span, steps_t)
            return v if type(v) in PLAIN_TYPES else export(v)
        for step in path:
            if type(step) is str:
                if type(v) is dict:
                    w = v.get(step, MISSING)
                    if w is not MISSING:
                        v = w
                        continue
            elif type(v) is list and 0 < step <= len(v):
                v = v[step - 1]
                continue
            v = walk_root(c, root, root_span, steps_t)
            return v if type(v) in PLAIN_TYPES else export(v)
        return v if type(v) in PLAIN_TYPES else export(v)
    chain_fast.exported = chain_fast_exported  # type: ignore[attr-defined]
    return chain_fast


def walk_root(c: EvalContext, root: str, root_span: Span, steps: tuple) -> Any:
    """The general walk of `root.a.b[1]...` from the variable `root` (see `walk_steps`)."""
    v = c.vars.get(root, MISSING)
    if v is MISSING:
        v = missing_variable(c, root, root_span)
    return walk_steps(c, v, steps)


def walk_steps(c: EvalContext, v: Any, steps: tuple) -> Any:
    """`v` read through `steps` ((entry name, 0, span) or (None, literal index, span)), with the
    warnings and nulls of a missing entry, a non-context or an index out of range."""
    for key, idx, span in steps:
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


def _chain1(root: str, k0: str, root_span: Span, steps: tuple) -> Closure:
    """`var.a`, unrolled (see `chain_fast`)."""
    def chain1(s, c):
        v = c.vars.get(root)
        if type(v) is dict:
            w = v.get(k0, MISSING)
            if w is not MISSING:
                return w
        return walk_root(c, root, root_span, steps)

    def chain1_exported(s, c):
        v = c.vars.get(root)
        if type(v) is dict:
            w = v.get(k0, MISSING)
            if w is not MISSING:
                return w if type(w) in PLAIN_TYPES else export(w)
        v = walk_root(c, root, root_span, steps)
        return v if type(v) in PLAIN_TYPES else export(v)
    chain1.exported = chain1_exported  # type: ignore[attr-defined]
    return chain1


def _chain2(root: str, k0: str, k1: str, root_span: Span, steps: tuple) -> Closure:
    """`var.a.b`, unrolled (see `chain_fast`)."""
    def chain2(s, c):
        v = c.vars.get(root)
        if type(v) is dict:
            v = v.get(k0)
            if type(v) is dict:
                w = v.get(k1, MISSING)
                if w is not MISSING:
                    return w
        return walk_root(c, root, root_span, steps)

    def chain2_exported(s, c):
        v = c.vars.get(root)
        if type(v) is dict:
            v = v.get(k0)
            if type(v) is dict:
                w = v.get(k1, MISSING)
                if w is not MISSING:
                    return w if type(w) in PLAIN_TYPES else export(w)
        v = walk_root(c, root, root_span, steps)
        return v if type(v) in PLAIN_TYPES else export(v)
    chain2.exported = chain2_exported  # type: ignore[attr-defined]
    return chain2


def _path(comp: Compiler, node: ast.Path) -> Closure:
    return _access_chain(comp, node)


def pick(c: EvalContext, items: list, index: Any, span: Span) -> Any:
    """`items[index]`: 1-based, negative from the end, 0 / out of range / not whole -> null."""
    i = as_int(index)
    if i is None:
        c.warn(WarningKind.INVALID_TYPE, "a list index must be a whole number" if type(index) is not Decimal
               or not index.is_finite() or index != index.to_integral_value()
               else "a list index is too large", span)
        return None
    return nth(items, i)


def nth(items: list | tuple, i: int) -> Any:
    """`items[i]` for a whole i: 1-based, negative from the end, 0 or out of range -> null."""
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
    try:
        cond = comp.compile(node.condition)
    finally:
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

    of_item = getattr(cond, "of_item", None)

    def filter_(s, c):
        v = base(s, c)
        if v is None:
            return None
        items = _as_list(v)
        c.steps -= len(items)
        if c.steps < 0:
            c.exceeded(span)
        if len(items) >= CHARGE_FROM:
            c.time_left(span, "bulk work")
        out = []
        first = True
        for item in items:
            # a condition made of entry comparisons takes the item itself: no scope per item
            r = cond((item, s), c) if of_item is None else of_item(item, s, c)
            if r is True:
                out.append(item)
            elif first and r is not None and r is not False and is_num(r):
                return pick(c, items, r, span)  # the condition is an index
            first = False
        return out
    return filter_


HANDLERS = {ast.Name: _name, ast.InputRef: _input, ast.Path: _path, ast.Filter: _filter}
