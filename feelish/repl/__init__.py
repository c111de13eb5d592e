"""`feelish repl`: evaluate expressions, load data and debug connector templates interactively, on
prompt_toolkit (history, multi-line input, completion). `Repl` and `needs_more` load on first use,
so the other commands reading `feelish.repl.inputs` never import prompt_toolkit."""
from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Repl", "needs_more"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(".session", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
