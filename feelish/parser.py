"""Text -> AST for feelish expressions and unary tests.

    parse(text, origin=None) -> ast.Node
    parse_unary_tests(text, origin=None) -> ast.UnaryTests

The grammar lives in `grammar/feelish.lark` (its header lists every deviation from DMN FEEL).
One Lark LALR parser with the contextual lexer is built on first use and shared; AST nodes are
built during the parse by `parser_build.Builder`, so there is no tree to walk afterwards.
Every failure is a `FeelSyntaxError` (or `LimitExceeded` for oversized or too deeply nested
input) with a span inside the text; `parser_errors` words the messages.
"""
from __future__ import annotations

import threading

from lark import Lark
from lark.exceptions import UnexpectedInput

from . import ast
from ._resources import grammar_text
from .errors import LimitExceeded, Span
from .parser_build import MAX_DEPTH, Builder
from .parser_errors import translate

__all__ = ["parse", "parse_unary_tests", "MAX_LENGTH", "MAX_DEPTH", "GRAMMAR_FILE"]

#: The longest text accepted, in characters (a connector body of this size is already unusual).
MAX_LENGTH = 256 * 1024
GRAMMAR_FILE = "feelish.lark"

_lock = threading.Lock()
_parser: Lark | None = None
_builder: Builder | None = None


def _get() -> tuple[Lark, Builder]:
    global _parser, _builder
    if _parser is None:
        with _lock:
            if _parser is None:
                builder = Builder()
                _parser = Lark(
                    grammar_text(GRAMMAR_FILE),
                    parser="lalr",
                    lexer="contextual",
                    start=["expression", "unary_tests"],
                    keep_all_tokens=True,
                    maybe_placeholders=True,
                    transformer=builder,
                )
                _builder = builder
    return _parser, _builder  # type: ignore[return-value]


def _run(text: str, start: str, origin: str | None):
    if not isinstance(text, str):
        raise TypeError(f"an expression is text (str), not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise LimitExceeded(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
            source=text[:200], span=Span(0, 1), origin=origin)
    lark, builder = _get()
    builder.begin(text, origin)
    try:
        return lark.parse(text, start=start)
    except UnexpectedInput as exc:
        raise translate(exc, text, origin, lark, start) from None
    finally:
        builder.end()


def parse(text: str, *, origin: str | None = None) -> ast.Node:
    """Parse one expression. Raises FeelSyntaxError or LimitExceeded (never anything else for
    any str input)."""
    return _run(text, "expression", origin)


def parse_unary_tests(text: str, *, origin: str | None = None) -> ast.UnaryTests:
    """Parse decision-table input entries: `< 10`, `[1..5]`, `"a", "b"`, `not(1, 2)`, `-`,
    `? > 3` or any expression.  Always returns an `ast.UnaryTests`."""
    return _run(text, "unary_tests", origin)
