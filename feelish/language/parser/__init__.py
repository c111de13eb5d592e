"""Text -> AST: the Lark LALR grammar (`grammar/feelish.lark`) driven by a fast loop that builds
AST nodes during the parse, with syntax errors worded from Lark's own loop."""
from __future__ import annotations

from .driver import MAX_DEPTH, MAX_LENGTH, parse, parse_unary_tests, parse_uncached

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "parse", "parse_unary_tests", "parse_uncached"]
