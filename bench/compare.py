"""Result equality against the floor: numbers by value (Decimal, int and float alike)."""
from __future__ import annotations

import math
from decimal import Decimal
from numbers import Number


def _num(x) -> bool:
    return isinstance(x, (int, float, Decimal)) and not isinstance(x, bool)


def same(got, want, rel: float = 1e-9) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is bool and type(want) is bool and got == want
    if _num(want) and _num(got):
        return math.isclose(float(got), float(want), rel_tol=rel, abs_tol=1e-12)
    if isinstance(want, dict):
        return (isinstance(got, dict) and set(got) == set(want)
                and all(same(got[k], want[k], rel) for k in want))
    if isinstance(want, (list, tuple)):
        return (isinstance(got, (list, tuple)) and len(got) == len(want)
                and all(same(g, w, rel) for g, w in zip(got, want)))
    if isinstance(want, Number) or isinstance(got, Number):
        return False
    return type(got) is type(want) and got == want
