"""`feelish repl`: evaluate expressions, load data and debug connector templates interactively, on
prompt_toolkit (history, multi-line input, completion)."""
from __future__ import annotations

from .session import Repl, needs_more

__all__ = ["Repl", "needs_more"]
