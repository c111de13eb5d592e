"""What every node family's compiler shares: the `Closure` shape, the `Compiler` that dispatches a
node to its family's handler and resolves names to lookups, and the failure helpers that turn a
suppressed error into a positioned warning and null."""
from __future__ import annotations

from collections.abc import Mapping

from .. import ast, operators
from .state import MISSING, EvalContext
from ...errors import EvaluationError, Span, WarningKind
from ..builtins import lookup as lookup_builtin
from ..values import FeelFailure

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, Callable, TypeAlias

Closure: TypeAlias = "Callable[[Any, EvalContext], Any]"

ARITH = {"+": operators.add, "-": operators.sub, "*": operators.mul, "/": operators.div,
          "**": operators.power}
ORDER = {"<": operators.less, "<=": operators.less_equal, ">": operators.greater,
          ">=": operators.greater_equal}
SOFT = (ArithmeticError, TypeError, ValueError, AttributeError, KeyError, IndexError)


def builtin_named(name: str):
    """The built-in function called `name`, or None."""
    return lookup_builtin(name)


class Compiler:
    """Compiles one expression. Collects the free variable names and secret names it reads."""

    def __init__(self, handlers: Mapping[type, Callable[[Compiler, Any], Closure]], source: str = ""):
        self.handlers = handlers
        self.source = source
        self.layers: list[tuple[str, frozenset[str]]] = []  # innermost last
        self.free: set[str] = set()
        self.paths: set[tuple[str, ...]] = set()  # free reads with the entries read below them
        self.secret_names: set[str] = set()
        self.spans_index_source = False  # see `may_hold`

    # ------------------------------------------------------------------ dispatch

    def compile(self, node: ast.Node) -> Closure:
        handler = self.handlers.get(type(node))
        if handler is None:
            raise EvaluationError(f"cannot evaluate a {type(node).__name__} here",
                                  source=self.source, span=getattr(node, "span", None))
        return handler(self, node)

    def read(self, path: tuple[str, ...]) -> None:
        """Record a read of a free variable, `path[0]`, and the entries read below it."""
        self.free.add(path[0])
        self.paths.add(path)

    def push(self, kind: str, names) -> None:
        self.layers.append((kind, frozenset(names)))

    def pop(self) -> None:
        self.layers.pop()

    def may_hold(self, node: ast.Node, words) -> bool:
        """Whether the source text under `node`'s span may hold one of `words` (a name is written
        as it is read, and not right after a path's dot; `function` opens a function, `[` a
        filter): False spares walking the subtree for them.  True when the source is not known
        to be the text the spans index (`spans_index_source`, set by the entry points) or a
        word has spaces (a name of several words may be written with other spacing)."""
        if not self.spans_index_source:
            return True
        span = node.span
        text = self.source[span.start:span.end]
        for word in words:
            if " " in word or not word.isprintable():
                return True
            at = text.find(word)
            while at >= 0:
                # right after a single `.` it is a path's field (`order.total`), no name: only
                # the dot of a path ends with `.` (a number never does; `..` is a range)
                if at < 2 or text[at - 1] != "." or text[at - 2] == "." or word == "[":
                    return True
                at = text.find(word, at + 1)
        return False

    def may_see(self, entry: ast.ContextEntry, earlier: set[str]) -> bool:
        """Whether the value of a context `entry` may name a key in `earlier` or hold a function
        or a filter (see `may_hold`; the entry's own span must start at its key)."""
        src, span, value = self.source, entry.span, entry.value.span
        if not (span.start < value.start <= value.end <= span.end) or not (
                src.startswith(entry.key, span.start) or src.startswith(entry.key, span.start + 1)):
            return True
        if not self.spans_index_source:
            return True
        text = src[value.start:value.end]
        if "[" in text or "function" in text:  # (`x.function`, a field, counts too: the walk)
            return True
        return bool(earlier) and self.may_hold(entry.value, earlier)

    # ------------------------------------------------------------------ name resolution

    def resolve(self, name: str) -> tuple[list[tuple[int, str]], int | None]:
        """(run-time checks [(hops, kind)], hops to the layer that surely binds it or None = host)."""
        checks: list[tuple[int, str]] = []
        if not self.layers:  # the top level: every name is the host's
            return checks, None
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
        if hop is None and record and all(kind == "filter" for _, kind in checks) \
                and not (checks and name == "item"):
            self.read((name,))  # in a filter it may be an entry of the item: listed all the same
        if not checks:
            if hop is None:
                def from_vars(s, c):
                    return c.vars.get(name, MISSING)
                return from_vars
            return at_hop(name, hop)
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


def spans_index(node: ast.Node, source: str) -> bool:
    """Whether `node` (a root) spans `source` but for surrounding blanks: the parser's AST of
    that text, whose spans index it (a hand-built AST with other spans is not taken for one)."""
    span = getattr(node, "span", None)
    return span is not None and 0 <= span.start <= span.end <= len(source) \
        and not source[:span.start].strip() and not source[span.end:].strip()


def at_hop(name: str, hop: int) -> Closure:
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
    fn = builtin_named(name)
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
