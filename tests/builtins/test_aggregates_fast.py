"""`sum` over a list takes C loops for homogeneous number lists: same value, same scale, same
failures as the item-by-item path."""
from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import feelish
from feelish.language.builtins.aggregates import _fast_sum, _numbers, _sum
from feelish.language.values import DECIMAL, FLOAT_DECIMALS, to_decimal

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda f: round(f, 2)),
    st.integers(min_value=-10**40, max_value=10**40),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.sampled_from([0.0, -0.0, Decimal("-0"), Decimal("NaN"), Decimal("Infinity"), True, None]),
)


def _slow(items):
    try:
        return ("ok", _sum(_numbers(items, "sum")))
    except Exception as exc:  # noqa: BLE001 - the failure kind is compared
        return ("fail", type(exc).__name__)


@settings(max_examples=300, deadline=None)
@given(st.lists(numbers, max_size=12))
def test_fast_sum_agrees_with_the_general_path(items):
    fast = _fast_sum(items) if items else None
    slow = _slow(items)
    if fast is not None:
        assert slow[0] == "ok"
        assert str(fast) == str(slow[1])  # same value AND same scale (0.50 vs 0.5)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=-1e9, max_value=1e9).map(lambda f: round(f, 3)), min_size=1))
def test_float_lists_take_the_fast_path(items):
    fast = _fast_sum(items)
    assert fast is not None
    assert str(fast) == str(_slow(items)[1])


def test_sum_through_the_language():
    assert feelish.evaluate("sum(xs)", {"xs": [0.1, 0.2, 1.50]}) == Decimal("1.8")
    assert str(feelish.evaluate("sum(xs)", {"xs": [0.25, 0.25]})) == "0.50"
    assert feelish.evaluate("sum(xs)", {"xs": [1, 2, 3]}) == Decimal(6)
    # 34 significant digits, as the item-by-item path
    assert feelish.evaluate("sum(xs)", {"xs": [10**40, 1]}) == DECIMAL.add(Decimal(10**40), Decimal(1))
    assert feelish.evaluate("sum(xs)", {"xs": []}) is None
    for bad in ([1.0, math.nan], [1.0, math.inf], [1, True], [1.5, None], [Decimal("NaN")]):
        r = feelish.compile("sum(xs)").evaluate_with_warnings({"xs": bad})
        assert r.value is None and r.warnings, bad


def test_float_memo_keeps_zero_signs_apart_and_never_caches_nan():
    assert str(to_decimal(-0.0)) == "-0.0" and str(to_decimal(0.0)) == "0.0"
    assert str(to_decimal(-0.0)) == "-0.0"
    assert to_decimal(math.nan) is None and to_decimal(math.inf) is None
    assert all(k == k and k for k in FLOAT_DECIMALS)
