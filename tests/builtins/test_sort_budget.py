"""`sort(list, precedes)`: the comparisons are charged once, up front (n log2 n / 8 steps), not a
step per call, so 100,000 items sort under the default limits while the budget still bounds
a sort and a comparator's own work; the function's scope is left as it was found."""
from __future__ import annotations

import random

import pytest

import feelish
from feelish.errors import LimitExceeded
from feelish.language.builtins.lists import COMPARISONS_PER_STEP


def test_100000_items_sort_with_a_comparator_under_the_default_limits():
    rng = random.Random(5)
    items = [{"n": rng.randrange(10**6), "i": i} for i in range(100_000)]
    out = feelish.compile("sort(items, function(x, y) x.n < y.n)").evaluate({"items": items})
    want = sorted(items, key=lambda d: d["n"])  # stable, like the FEEL sort
    assert [d["i"] for d in out] == [d["i"] for d in want]


def test_the_comparisons_are_charged_once_against_the_budget():
    items = list(range(2000, 0, -1))
    expression = feelish.compile("sort(items, function(a, b) a < b)")
    charge = 2000 * (2000).bit_length() // COMPARISONS_PER_STEP  # 2750
    assert expression.evaluate({"items": items}, max_steps=charge + 2000 + 10) == list(range(1, 2001))
    with pytest.raises(LimitExceeded):
        expression.evaluate({"items": items}, max_steps=charge - 1)


def test_a_comparators_own_work_is_still_charged():
    expression = feelish.compile(
        "sort(items, function(a, b) count(for i in 1..1000 return i) > 0 and a < b)")
    assert expression.evaluate({"items": [3, 1, 2]}) == [1, 2, 3]
    with pytest.raises(LimitExceeded):
        expression.evaluate({"items": list(range(200))}, max_steps=100_000)


def test_the_scope_after_a_sort_is_the_one_before():
    text = "{s: sort([3, 1, 2], function(a, b) a < b), t: s[1] + k, u: for a in s return a + k}"
    assert feelish.evaluate(text, {"k": 10}) == {"s": [1, 2, 3], "t": 11, "u": [11, 12, 13]}


def test_typed_parameters_and_nulls_keep_their_meaning():
    assert feelish.evaluate("sort([3, 1, 2], function(a: number, b: number) a > b)") == [3, 2, 1]
    result = feelish.compile("sort(xs, function(x, y) x.p < y.p)").evaluate_with_warnings(
        {"xs": [{"p": 2}, {"q": 1}, {"p": 1}]})
    assert result.value[0] == {"p": 2} or result.value[0] == {"p": 1}
    assert result.warnings and all(w.span is not None for w in result.warnings)


def test_a_comparator_nested_too_deep_is_a_limit():
    with pytest.raises(LimitExceeded):
        feelish.compile("sort([2, 1], function(a, b) a < b)").evaluate({}, max_depth=0)


def test_a_path_on_a_local_falls_back_to_the_general_walk():
    # `x.a` on a parameter or loop variable: a dict entry directly, anything else as before
    result = feelish.compile('for x in [{a: 1}, {b: 2}, 5, null, @"2024-03-04"] return x.a').\
        evaluate_with_warnings({})
    assert result.value == [1, None, None, None, None]
    assert [(w.kind, w.span) for w in result.warnings] == [
        (feelish.WarningKind.NO_CONTEXT_ENTRY_FOUND, feelish.Span(57, 60)),
        (feelish.WarningKind.NO_PROPERTY_FOUND, feelish.Span(57, 60))]
    assert feelish.evaluate('for d in [date("2024-03-04")] return d.month') == [3]
