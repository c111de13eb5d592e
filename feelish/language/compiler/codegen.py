"""Tier two of evaluation: Python source generated for a hot expression, a guarded fast path run
before the closures.  It returns a value only where the outcome is certain (exact types, entries
present, no warning possible, budgets counted); at anything else it gives up (`BAIL`) and the
closures evaluate afresh, exactly (the fast path has no visible effect); other node kinds get no
fast path (docs/internals.md, "Tier two")."""
from __future__ import annotations

import re
import warnings
from decimal import Decimal
from typing import Any, Callable

from .. import ast, operators
from ..values import SMALL_HI, SMALL_LO
from .arith import DECIMAL_OPS, SHORT
from .access import const_index
from .base import ARITH, ORDER, Compiler, builtin_named
from .calls import PLAIN_RESULTS, fold
from .entry import HANDLERS
from .fastpath import INLINE, NEVER_STR_OR_LIST, repeated, runtime, substring_case, whole_literal
from .literals import is_self_contained
from .state import BAIL, MISSING, Limits
from .util import CHARGE_FROM, const_of, export, walk


#: the most nodes an expression may have to get a fast path (bounds the code kept per expression)
MAX_NODES = 400

_NATIVE = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "=": "==", "!=": "!="}
_PROBES = {"is defined", "get or else"}


class Unsupported(Exception):
    """The expression has a node kind the generator leaves to the closures."""


class _Gen:
    """The generator of one expression's fast path: its lines, bound constants and scopes."""

    def __init__(self, source: str):
        self.source = source
        self.lines: list[str] = []
        self.depth = 2
        self.names: dict[str, Any] = {}
        self.ids: dict[int, str] = {}
        self.n = 0
        self.bulk = False
        self.shadow: list[str] = []
        self.item: str | None = None
        self.locals: dict[str, str] = {}  # loop variables in scope -> their Python locals
        self.repeated: dict[int, tuple] = {}  # id(node) -> its key, for nodes written twice or more
        self.memo: list[dict[tuple, str]] = [{}]  # key -> local holding its value, per block

    def block(self):
        """Enter a nested block (a branch, a loop body): its values are not seen after it."""
        gen = self

        class _Block:
            def __enter__(self):
                gen.depth += 1
                gen.memo.append({})

            def __exit__(self, *exc):
                gen.depth -= 1
                gen.memo.pop()
        return _Block()

    # ------------------------------------------------------------------ emitting

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def tmp(self) -> str:
        self.n += 1
        return f"t{self.n}"

    def bind(self, value: Any) -> str:
        key = id(value)
        name = self.ids.get(key)
        if name is None:
            name = self.ids[key] = f"K{len(self.ids)}"
            self.names[name] = value
        return name

    def const(self, value: Any, out: bool) -> tuple[str, bool]:
        if type(value) is list or type(value) is dict:
            code = f"clone({self.bind(value)})"
            if export(value) is not value:
                code = f"export({code})" if out else code
            return code, True
        if type(value) is str or type(value) is bool or value is None:
            return lit(value), True
        return self.bind(value), export(value) is value

    def local(self, code: str, k: Any) -> str:
        """`code` as a local name (a literal is never the operand of `is`)."""
        if k is MISSING:
            return code
        t = self.tmp()
        self.emit(f"{t} = {code}")
        return t

    def exported(self, code: str) -> str:
        t = self.tmp()
        self.emit(f"{t} = {code} if type({code}) in PT else SI[{code} - {SMALL_LO}] if type({code}) "
                  f"is int and {SMALL_LO} <= {code} < {SMALL_HI} else export({code})")
        return t

    # ------------------------------------------------------------------ nodes

    def folded(self, node: ast.Node) -> Any:
        """The closure compiler's folded constant for a node whose operands are all constants."""
        return const_of(Compiler(HANDLERS, self.source).compile(node))

    def value(self, node: ast.Node, out: bool = False) -> tuple[str, Any]:
        """(code of a local or constant holding the node's value, its constant or MISSING).
        `out`: the value is handed to the host (exported)."""
        t = type(node)
        if t in (ast.NumberLit, ast.StringLit, ast.BoolLit, ast.NullLit, ast.TemporalLit):
            k = self.folded(node)
            if k is MISSING:
                raise Unsupported(t.__name__)
            return self.const(k, out)[0], k
        handler = getattr(self, "_" + t.__name__, None)
        if handler is None:
            raise Unsupported(t.__name__)
        key = self.repeated.get(id(node)) if self.item is None and not self.locals else None
        if key is None:
            return handler(node, out)
        # a pure subexpression written again (`price * quantity` twice): computed once per block
        # that surely ran it (the first one either gave a value or gave up the whole evaluation)
        for scope in reversed(self.memo):
            code = scope.get(key)
            if code is not None:
                break
        else:
            code, k = handler(node, False)
            if k is not MISSING:
                return self.value_const(k, out)
            code = self.local(code, MISSING)
            self.memo[-1][key] = code
        return (self.exported(code) if out and t in (ast.Name, ast.Path, ast.Filter) else code), MISSING

    def value_const(self, k: Any, out: bool) -> tuple[str, Any]:
        return self.const(k, out)[0], k

    def all_const(self, node: ast.Node, parts: list, out: bool) -> tuple[str, Any] | None:
        if all(k is not MISSING for _, k in parts):
            k = self.folded(node)
            if k is not MISSING:
                return self.const(k, out)[0], k
        return None

    def _Name(self, node: ast.Name, out: bool):
        local = self.locals.get(node.name)
        if local is not None:
            return (self.exported(local) if out else local), MISSING
        t = self.tmp()
        name = lit(node.name)
        if self.item is None:
            self.emit(f"{t} = v[{name}]")  # missing: KeyError, the closures warn
        else:
            if node.name == "item":
                raise Unsupported("item")
            m = self.item
            self.emit(f"{t} = {m}.get({name}, M)")  # the item is a dict (checked per item)
            self.emit(f"if {t} is M: {t} = v[{name}]")
        return (self.exported(t) if out else t), MISSING

    def _chain(self, node: ast.Node, out: bool):
        steps: list[tuple[str | None, int]] = []
        n = node
        while True:
            if type(n) is ast.Path:
                steps.append((n.name, 0))
            elif type(n) is ast.Filter and const_index(n.condition) is not None:
                steps.append((None, const_index(n.condition)))
            else:
                break
            n = n.base
        steps.reverse()
        base, _ = self.value(n)
        t = self.tmp()
        self.emit(f"{t} = {base}")
        # a repeated path gives up at a projection (which the closures charge at each reading)
        acct = "None" if id(node) in self.repeated and self.item is None else "acct"
        for key, idx in steps:
            if key is not None:
                self.bulk = self.bulk or acct == "acct"
                k = lit(key)
                self.emit(f"{t} = {t}[{k}] if type({t}) is dict else step({t}, {k}, {acct})")
            else:
                self.emit(f"{t} = index({t}, {idx})")
        return (self.exported(t) if out else t), MISSING

    _Path = _chain

    def _Filter(self, node: ast.Filter, out: bool):
        if const_index(node.condition) is not None:
            return self._chain(node, out)
        if self.item is not None or self.locals or const_of_literal(node.condition):
            raise Unsupported("filter")
        base, _ = self.value(node.base)
        r, m = self.tmp(), self.tmp()
        self.bulk = True
        self.emit(f"if {base} is None: {r} = None")
        self.emit("else:")
        with self.block():
            self.emit(f"if type({base}) is not list: bail()")
            self.emit(f"charge(acct, len({base}), len({base}) >= {CHARGE_FROM})")
            self.emit(f"{r} = []")
            first = self.tmp()
            # a condition that may be a number may be an index (`xs[n]`): the closures decide
            boolean = type(node.condition) in (ast.Compare, ast.And, ast.Or)
            if not boolean:
                self.emit(f"{first} = True")
            self.emit(f"for {m} in {base}:")
            with self.block():
                self.emit(f"if type({m}) is not dict: bail()")
                self.item = m
                cond = self.local(*self.value(node.condition))
                self.item = None
                self.emit(f"if {cond} is True: {r}.append({m})")
                if not boolean:
                    self.emit(f"elif {first} and type({cond}) in NUMS: bail()")
                    self.emit(f"{first} = False")
        return (self.exported(r) if out else r), MISSING

    def binary(self, node, out: bool):
        """The operands of a binary node, and its folded value when both are constants."""
        a, ka = self.value(node.left)
        b, kb = self.value(node.right)
        return a, ka, b, kb, self.all_const(node, [(a, ka), (b, kb)], out)

    def _Arith(self, node: ast.Arith, out: bool):
        a, ka, b, kb, folded = self.binary(node, out)
        if folded is not None:
            return folded
        r = self.tmp()
        op = self.bind(ARITH[node.op])
        generic = [f"{r} = {op}({a}, {b})",
                   f"if type({r}) is str and len({r}) > {SHORT}: bail()"]
        dec = DECIMAL_OPS.get(node.op)
        if dec is None:
            for line in generic:
                self.emit(line)
            return r, MISSING
        dec = self.bind(dec)
        ta, tb = self.tmp(), self.tmp()
        finite = (lambda k: type(k) is int or (type(k) is Decimal and k.is_finite()))
        if finite(ka) or finite(kb):  # `x * 0.9`, `10 - x`: one operand a finite number
            x, tx = (b, tb) if finite(ka) else (a, ta)
            args = (lambda y: (a, y) if x is b else (y, b))
            self.emit(f"{tx} = type({x})")
            self.emit(f"if {tx} is int or {tx} is Decimal and {x}.is_finite(): "
                      f"{r} = {dec}({', '.join(args(x))})")
            self.emit(f"elif {tx} is float: {r} = {dec}({', '.join(args(f'FD[{x}]'))})")
        elif node.op == "+" and (type(ka) is str or type(kb) is str):  # `"Order " + x`
            x, tx, room = (b, tb, SHORT - len(ka)) if type(ka) is str else (a, ta, SHORT - len(kb))
            self.emit(f"{tx} = type({x})")
            self.emit(f"if {tx} is str and len({x}) <= {room}: {r} = {a} + {b}")
        else:
            self.emit(f"{ta} = type({a})")
            self.emit(f"{tb} = type({b})")
            self.emit(f"if {ta} in NUMS and {tb} in NUMS:")
            self.emit(f"    {r} = {dec}(FD[{a}] if {ta} is float else {a}, "
                      f"FD[{b}] if {tb} is float else {b})")
            self.emit(f"    if not {r}.is_finite(): bail()")
            if node.op == "+":
                self.emit(f"elif {ta} is str and {tb} is str and len({a}) + len({b}) <= {SHORT}:")
                self.emit(f"    {r} = {a} + {b}")
        self.emit("else:")
        for line in generic:
            self.emit("    " + line)
        return r, MISSING

    def _Compare(self, node: ast.Compare, out: bool):
        a, ka, b, kb, folded = self.binary(node, out)
        if folded is not None:
            return folded
        op = {"=": operators.equal, "!=": operators.not_equal}.get(node.op) or ORDER[node.op]
        native = _NATIVE[node.op]
        r = self.tmp()
        ta, tb = self.tmp(), self.tmp()
        self.emit(f"{ta} = type({a})")

        def num(x: str, tx: str) -> str:
            return f"({tx} is int or {tx} is Decimal and {x}.is_finite())"
        whole = whole_literal(kb)
        if whole is not None and whole == kb:  # `total > 100`: an int compares with an int
            self.emit(f"{r} = {a} {native} {whole} if {ta} is int else {a} {native} {b} "
                      f"if {ta} is Decimal and {a}.is_finite() else {self.bind(op)}({a}, {b})")
            return r, MISSING
        if type(kb) in (int, Decimal) and (type(kb) is int or kb.is_finite()):
            fast = num(a, ta)
        elif type(kb) is str:
            fast = f"{ta} is str"
        else:
            self.emit(f"{tb} = type({b})")
            fast = f"({ta} is str and {tb} is str or {num(a, ta)} and {num(b, tb)})"
        self.emit(f"{r} = {a} {native} {b} if {fast} else {self.bind(op)}({a}, {b})")
        return r, MISSING

    def _Negate(self, node: ast.Negate, out: bool):
        a, ka = self.value(node.operand)
        folded = self.all_const(node, [(a, ka)], out)
        if folded is not None:
            return folded
        r = self.tmp()
        self.emit(f"{r} = {self.bind(operators.negate)}({a})")
        return r, MISSING

    def _logic(self, node, short: bool):
        """`and` (short=False: False decides) and `or` (short=True: True decides)."""
        r = self.tmp()
        a = self.local(*self.value(node.left))
        self.emit(f"if {a} is {short}: {r} = {short}")
        self.emit("else:")
        with self.block():
            b = self.local(*self.value(node.right))
            self.emit(f"if {b} is {short}: {r} = {short}")
            self.emit(f"elif {a} is {not short} and {b} is {not short}: {r} = {not short}")
            self.emit(f"else: {r} = None")
        return r, MISSING

    def _And(self, node: ast.And, out: bool):
        return self._logic(node, False)

    def _Or(self, node: ast.Or, out: bool):
        return self._logic(node, True)

    def _If(self, node: ast.If, out: bool):
        cond, k = self.value(node.condition)
        if k is not MISSING:
            return self.value(node.then if k is True else node.otherwise, out)
        r = self.tmp()
        self.emit(f"if {cond} is True:")
        for branch in (node.then, node.otherwise):
            with self.block():
                v, _ = self.value(branch, out)
                self.emit(f"{r} = {v}")
            if branch is node.then:
                self.emit("else:")
        return r, MISSING

    def _Quantified(self, node: ast.Quantified, out: bool):
        if len(node.iterators) != 1 or type(node.iterators[0].domain) is ast.IterRange:
            raise Unsupported("quantifier")
        it = node.iterators[0]
        want = node.kind == "some"  # some: stop at the first true; every: at the first false
        domain = self.local(*self.value(it.domain))
        r, x, unknown = self.tmp(), self.tmp(), self.tmp()
        self.bulk = True
        self.emit(f"if {domain} is None: {r} = None")
        self.emit("else:")
        with self.block():
            self.emit(f"if type({domain}) is not list: bail()")
            # the whole domain, up front; a domain naming its own iterator is charged as bulk
            # work by the closures (the wall-clock budget starts there too)
            timed = any(type(n) is ast.Name and n.name == it.name for n in walk(it.domain))
            self.emit(f"charge(acct, len({domain}), {timed})")
            self.emit(f"{unknown} = False")
            self.emit(f"for {x} in {domain}:")
            with self.block():
                outer = self.locals.get(it.name)
                self.locals[it.name] = x
                cond = self.local(*self.value(node.condition))
                if outer is None:
                    del self.locals[it.name]
                else:
                    self.locals[it.name] = outer
                self.emit(f"if {cond} is {want}: {r} = {want}; break")
                self.emit(f"if {cond} is not {not want}: {unknown} = True")
            self.emit("else:")
            self.emit(f"    {r} = None if {unknown} else {not want}")
        return r, MISSING

    def _items(self, nodes, out: bool) -> list[tuple[str, Any]]:
        if len(nodes) >= CHARGE_FROM:
            raise Unsupported("large literal")  # charged per evaluation: left to the closures
        return [self.value(n, out) for n in nodes]

    def _ListLit(self, node: ast.ListLit, out: bool):
        parts = self._items(node.items, out)
        folded = self.all_const(node, parts, out)
        if folded is not None:
            return folded
        r = self.tmp()
        self.emit(f"{r} = [{', '.join(code for code, _ in parts)}]")
        return r, MISSING

    def _ContextLit(self, node: ast.ContextLit, out: bool):
        if not is_self_contained(node):
            raise Unsupported("context scope")
        parts = self._items([e.value for e in node.entries], out)
        folded = self.all_const(node, parts, out)
        if folded is not None:
            return folded
        r = self.tmp()
        body = ", ".join(f"{lit(e.key)}: {code}" for e, (code, _) in zip(node.entries, parts))
        self.emit(f"{r} = {{{body}}}")
        return r, MISSING

    def _Call(self, node: ast.Call, out: bool):
        callee = node.callee
        if type(callee) is not ast.Name or node.named or self.item is not None \
                or callee.name in _PROBES or callee.name in self.locals:
            raise Unsupported("call")
        name = callee.name
        builtin = builtin_named(name)
        ov = None if builtin is None else builtin._by_arity.get(len(node.args))
        if ov is None or ov.variadic or ov.wants_ctx or len(node.args) >= CHARGE_FROM:
            raise Unsupported("call")
        if name not in self.shadow:
            self.shadow.append(name)  # a host variable of that name: the closures decide
        parts = [self.value(a) for a in node.args]
        if all(k is not MISSING for _, k in parts):
            ok, k = fold(builtin, name, [k for _, k in parts])
            if ok:
                return self.const(k, out)[0], k
        r = self.tmp()
        args = [self.local(code, k) for code, k in parts]
        call = f"{self.bind(ov.impl)}({', '.join(args)})"
        cases = INLINE.get((name, len(args)), ()) or substring_case(name, [k for _, k in parts])
        for i, (guard, expr) in enumerate(cases):  # the built-in's own first steps, inline
            self.emit(f"{'el' if i else ''}if {guard.format(*args)}: {r} = {expr.format(*args)}")
        self.emit(f"else: {r} = {call}" if cases else f"{r} = {call}")
        if name not in NEVER_STR_OR_LIST:
            self.emit(f"if type({r}) is list or type({r}) is str and len({r}) > {SHORT}: "
                      f"{r} = after_call({r}, acct)")
            self.bulk = True
        if out and name not in PLAIN_RESULTS:
            return self.exported(r), MISSING
        return r, MISSING


def lit(value: Any) -> str:
    """A str, bool or None as Python source (a str subclass, such as a parser token, as the
    plain str it equals)."""
    return repr(str.__str__(value) if isinstance(value, str) else value)


def const_of_literal(node: ast.Node) -> bool:
    return type(node) in (ast.NumberLit, ast.StringLit, ast.BoolLit, ast.NullLit)


def _count(node: Any) -> int:
    return sum(1 for _ in walk(node))


def generate(node: ast.Node, source: str, limits: Limits) -> Callable[[dict], Any] | None:
    """The fast path of an expression: `f(variables)` -> its exported value or BAIL; None when
    the expression has a node kind it leaves to the closures (or is too large)."""
    if limits.max_seconds <= 0 or _count(node) > MAX_NODES:
        return None
    gen = _Gen(source)
    gen.repeated = repeated(node)
    try:
        result, k = gen.value(node, out=True)
    except Unsupported:
        return None
    body = gen.lines
    head = [f"        if {lit(name)} in v: bail()" for name in gen.shadow]
    if gen.bulk:
        head.append("        acct = [0, None]")
    lines = [*head, *body, f"        return {result}"]
    used = set(re.findall(r"[A-Za-z_]\w*", "\n".join(lines)))
    names = {k: v for k, v in {**runtime(limits), **gen.names}.items() if k in used}
    names["BAIL"] = BAIL
    # the helpers and constants used are the factory's parameters: cells of `fast`, read as
    # fast as locals, and `fast` itself takes one argument (no defaults to fill at each call)
    text = "\n".join([f"def make({', '.join(names)}):", "  def fast(v):", "    try:", *lines,
                      "    except Exception:", "        return BAIL", "  return fast"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            code = compile(text, f"<feelish fast path: {source[:40]!r}>", "exec")
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - our own generated text; every value is bound, none spliced
    return namespace["make"](**names)


__all__ = ["BAIL", "MAX_NODES", "generate"]
