"""Warnings about a connector's expressions known before any call (an `error.code` compared with a
number; a result expression reading `response.body`), shared by the runtime and `feelish check`."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import FeelishError, Span, Warning
from ..language import ast
from ..language.parser import parse

NEVER_MATCHES = "never-matches"


@dataclass(frozen=True, slots=True)
class Lint:
    warnings: tuple[Warning, ...] = ()
    reads_body: bool = False


def nodes(node: ast.Node) -> Iterator[ast.Node]:
    """Every node under `node` (itself first)."""
    yield node
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, ast.Node):
            yield from nodes(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, ast.Node):
                    yield from nodes(item)


def _is_path(node: ast.Node, root: str, name: str) -> bool:
    return isinstance(node, ast.Path) and node.name == name and isinstance(node.base, ast.Name) \
        and node.base.name == root


def _number(node: ast.Node) -> str | None:
    if isinstance(node, ast.NumberLit):
        return str(node.value)
    if isinstance(node, ast.Negate) and isinstance(node.operand, ast.NumberLit):
        return f"-{node.operand.value}"
    return None


def never_matches(tree: ast.Node) -> list[tuple[str, Span]]:
    """`(message, span)` for each comparison of `error.code` with a number literal."""
    found = []
    for node in nodes(tree):
        pairs = []
        if isinstance(node, ast.Compare) and node.op in ("=", "!="):
            pairs = [(node.left, node.right), (node.right, node.left)]
        elif isinstance(node, ast.In):
            pairs = [(node.value, t.value if isinstance(t, ast.UnaryCompare) else t) for t in node.tests]
        for code, other in pairs:
            number = _number(other)
            if number is not None and _is_path(code, "error", "code"):
                found.append((f"error.code is a string (\"404\", \"TIMEOUT\"), so comparing it with the "
                              f"number {number} never matches; write \"{number}\"", node.span))
                break
    return found


def reads_body(tree: ast.Node) -> bool:
    return any(_is_path(node, "response", "body") for node in nodes(tree))


def _tree(source: str | None) -> ast.Node | None:
    if not source:
        return None
    try:
        return parse(source)
    except FeelishError:
        return None


def lint_fields(fields: dict) -> Lint:
    """The lint of a connector's compiled fields (`Field.source` is the expression text)."""
    warnings = []
    error_tree = _tree(getattr(fields.get("errorExpression"), "source", None))
    if error_tree is not None:
        warnings += [Warning(NEVER_MATCHES, f"field errorExpression: {message}", span)
                     for message, span in never_matches(error_tree)]
    result_tree = _tree(getattr(fields.get("resultExpression"), "source", None))
    return Lint(tuple(warnings), result_tree is not None and reads_body(result_tree))


def body_in_document(ctx: dict) -> Warning:
    document = ctx.get("document") or {}
    return Warning("body-in-document", "field resultExpression: the response body went to a document "
                   f"({document.get('contentType', 'binary')}, {document.get('size', 0)} bytes), so "
                   "response.body is null; read response.document instead, or set responseFormat")
