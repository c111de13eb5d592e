"""AST -> Python closures, compiled once so that evaluation never walks the tree: one module per
node family, all built on `base` (docs/internals.md describes the closures' shape)."""
from __future__ import annotations

from .entry import compile_node, compile_unary_tests, exporting
from .state import MISSING, NO_SECRETS, EvalContext, Limits

__all__ = ["EvalContext", "Limits", "MISSING", "NO_SECRETS", "compile_node", "compile_unary_tests",
           "exporting"]
