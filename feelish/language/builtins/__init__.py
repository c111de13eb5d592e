"""The FEEL built-in function library (DMN 1.5 plus Camunda's extensions): `lookup(name)` and
`names()`; each family lives in its own module and registers itself on import."""
from __future__ import annotations

from ..values import FeelFunction
from . import (aggregates, boolean, context, conversion, lists, misc, numeric, ranges, strings,
               temporal)
from ._core import REGISTRY, Builtin, failure


def lookup(name: str) -> FeelFunction | None:
    """The built-in called `name`, or None."""
    fn = REGISTRY.get(name)
    if fn is None and ("  " in name or "\t" in name or "\n" in name):
        fn = REGISTRY.get(" ".join(name.split()))
    return fn


def names() -> list[str]:
    """Every built-in name, sorted."""
    return sorted(REGISTRY)


__all__ = ["Builtin", "failure", "lookup", "names"]
