"""Bounded work: huge loops, products, string/list doubling and runaway recursion end quickly with
LimitExceeded (never a hang, a MemoryError or a RecursionError)."""
from __future__ import annotations

import time
from decimal import Decimal

import pytest

import feelish
from feelish import LimitExceeded

RUNAWAY = [
    "for x in 1..1000000000 return x",
    "for x in 1..1000000000 return 1",
    "for x in 1000000000..1 return x",
    "for x in 1..100000, y in 1..100000 return 1",
    "for x in 1..100000 return for y in 1..100000 return 1",
    "for x in 1..3000, y in x..3000 return 1",
    "some x in 1..1000000000 satisfies x < 0",
    "every x in 1..1000000000 satisfies x > 0",
    'for i in 1..64 return if i = 1 then "ab" else partial[-1] + partial[-1]',
    'for i in 1..64 return if i = 1 then "ab" else string join([partial[-1], partial[-1]])',
    "for i in 1..64 return if i = 1 then [1] else concatenate(partial[-1], partial[-1])",
    "for i in 1..100000 return partial",
    "{f: function(n) f(n + 1), r: f(1)}.r",
    "{f: function(g, n) g(g, n + 1), r: f(f, 0)}.r",
    "{f: function(n) if n = 0 then 0 else 1 + f(n - 1), r: f(100000)}.r",
    'for d in @"0001-01-01"..@"9999-12-31" return d',
]


@pytest.mark.parametrize("text", RUNAWAY)
def test_runaway_work_is_stopped_fast(text):
    expr = feelish.compile(text)
    start = time.perf_counter()
    with pytest.raises(LimitExceeded) as info:
        expr.evaluate()
    elapsed = time.perf_counter() - start
    assert elapsed < 5, f"took {elapsed:.1f}s"
    message = str(info.value)
    assert "budget" in message or "limit" in message or "deep" in message
    assert "^" in message, "the error points into the expression"


def test_budget_is_configurable_on_compile_and_on_evaluate():
    text = "for x in 1..5000 return x"
    assert len(feelish.compile(text).evaluate()) == 5000
    with pytest.raises(LimitExceeded):
        feelish.compile(text, max_steps=1000).evaluate()
    with pytest.raises(LimitExceeded):
        feelish.compile(text).evaluate(max_steps=1000)
    assert len(feelish.compile(text, max_steps=1000).evaluate(max_steps=10_000)) == 5000


def test_string_size_is_configurable():
    expr = feelish.compile('for i in 1..12 return if i = 1 then "ab" else partial[-1] + partial[-1]')
    assert len(expr.evaluate()[-1]) == 2 ** 12
    with pytest.raises(LimitExceeded) as info:
        expr.evaluate(max_string_length=1000)
    assert "1000" in str(info.value)


def test_depth_is_configurable():
    expr = feelish.compile("{f: function(n) if n = 0 then 0 else 1 + f(n - 1), r: f(40)}.r")
    assert expr.evaluate() == Decimal(40)
    with pytest.raises(LimitExceeded):
        expr.evaluate(max_depth=10)


def test_deep_recursion_past_the_python_stack_is_a_limit_not_a_crash():
    expr = feelish.compile("{f: function(n) if n = 0 then 0 else 1 + f(n - 1), r: f(100000)}.r")
    with pytest.raises(LimitExceeded):
        expr.evaluate(max_depth=1_000_000, max_steps=10_000_000)


def test_budget_is_per_evaluation():
    expr = feelish.compile("for x in 1..600000 return 1", max_steps=1_000_000)
    for _ in range(3):  # a second evaluation starts with a full budget
        assert len(expr.evaluate()) == 600000


def test_filter_and_projection_count_elements():
    items = [{"a": i} for i in range(2000)]
    expr = feelish.compile("for i in 1..1000 return xs[a > 0]", max_steps=50_000)
    with pytest.raises(LimitExceeded):
        expr.evaluate({"xs": items})
    with pytest.raises(LimitExceeded):
        feelish.compile("for i in 1..1000 return xs.a", max_steps=50_000).evaluate({"xs": items})
