"""The FEEL built-in function library (DMN 1.5 plus Camunda's extensions): `lookup(name)` and
`names()`; each family lives in its own module and registers itself on import, which happens on
the first `lookup` or `names()` (an expression that calls no function never loads them)."""
from __future__ import annotations

from ..values import FeelFunction
from ._core import REGISTRY, Builtin, failure

_loaded = False


def _load() -> None:
    global _loaded
    from . import (aggregates, boolean, context, conversion, lists, misc, numeric,  # noqa: F401
                   ranges, strings, temporal)
    _loaded = True


def lookup(name: str) -> FeelFunction | None:
    """The built-in called `name`, or None."""
    if not _loaded:
        _load()
    fn = REGISTRY.get(name)
    if fn is None and ("  " in name or "\t" in name or "\n" in name):
        fn = REGISTRY.get(" ".join(name.split()))
    return fn


def names() -> list[str]:
    """Every built-in name, sorted."""
    if not _loaded:
        _load()
    return sorted(REGISTRY)


__all__ = ["Builtin", "failure", "lookup", "names"]
