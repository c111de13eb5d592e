"""The compiler's entry points: the table of every node family's handler, `compile_node` for
expressions, `compile_unary_tests` for unary tests, and `exporting` for results handed to the host."""
from __future__ import annotations

from .. import ast
from . import access, compare, flow, literals, unary
from .base import Closure, Compiler, spans_index
from .util import exported_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, Callable

HANDLERS: dict[type, Callable[[Compiler, Any], Closure]] = {
    **literals.HANDLERS, **compare.HANDLERS, **access.HANDLERS, **flow.HANDLERS, **unary.HANDLERS,
}


def compile_node(node: ast.Node, source: str = "") -> tuple[Closure, frozenset[str], frozenset[str],
                                                           frozenset[tuple[str, ...]]]:
    """Compile an expression AST: (closure, free variable names, secret names, paths read).
    `source` is the text `node` was parsed from (its spans index it): messages quote it, and
    the compiler reads it to skip work when the root spans it (`Compiler.may_hold`)."""
    comp = Compiler(HANDLERS, source)
    comp.spans_index_source = spans_index(node, source)
    fn = comp.compile(node)
    return fn, frozenset(comp.free), frozenset(comp.secret_names), frozenset(comp.paths)


def compile_unary_tests(node: ast.Node, source: str = ""):
    """Compile a top-level unary test (`UnaryTests` or a single test node).

    Returns (test(s, c, x), free names, secret names).
    """
    comp = Compiler(HANDLERS, source)
    comp.spans_index_source = spans_index(node, source)
    test = unary.compile_tests(comp, node) if isinstance(node, ast.UnaryTests) \
        else unary.compile_test(comp, node)
    return test, frozenset(comp.free), frozenset(comp.secret_names)


def exporting(fn: Closure) -> Closure:
    """The closure `fn` with its result normalised for the host (`util.export`), doing only the
    work its shape needs: nothing for plain results, per entry for context literals."""
    return exported_of(fn)


__all__ = ["HANDLERS", "compile_node", "compile_unary_tests", "exporting"]
