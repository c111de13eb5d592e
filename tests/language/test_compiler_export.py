"""The exporting fast path: results normalised per shape must equal the generic deep export."""
from __future__ import annotations

from decimal import Decimal

import pytest

import feelish
from feelish.language import api
from feelish.language.compiler import compile_node
from feelish.language.compiler.state import EvalContext
from feelish.language.parser import parse
from feelish.language.compiler.util import export

VARS = {"page": 3, "query": "red", "price": 19.5, "n": 7, "doc": {"a": 1, "b": [1, 2.5, {"c": 3}]},
        "xs": [1, 2, 3], "t": (1, 2), "s": "x", "flag": True, "none": None,
        "weird": {1: "int key"}}

CASES = [
    "{q: query, page: page, limit: 50, format: \"json\"}",
    "{page: page, next: page + 1}",
    "{a: 1, b: a + page}",
    "{page: page, b: {page: page, d: doc}}",
    "[page, price, doc, t]",
    "[1, 2, page]",
    "doc", "doc.b", "doc.b[3]", "doc.b[2]", "xs", "t", "weird", "page", "price", "none", "missing",
    "if n > 5 then doc else page",
    "if n > 5 then 1 else 2",
    "for x in xs return x",
    "for x in xs return x * 2",
    "for x in 1..3 return {v: x, p: page}",
    "some x in xs satisfies x > 2",
    "{f: function(x) x + page, r: f(1)}.r",
    "{c: count(xs), s: sum(xs), d: doc}",
    "-page", "page = 3", "page > 2 and flag", "string(page) + s",
    "{a: [page, {b: price}], c: t}",
]


@pytest.mark.parametrize("text", CASES)
def test_fast_path_equals_generic_export(text):
    expr = feelish.compile(text)
    generic = export(compile_node(parse(text), text)[0](None, EvalContext(VARS)))
    fast = expr.evaluate(VARS)
    assert fast == generic
    assert _types(fast) == _types(generic)
    for _ in range(api.TIER_UP + 1):  # and once the generated fast path runs it
        hot = expr.evaluate(VARS)
    assert hot == generic and _types(hot) == _types(generic)
    # the slow path (any keyword) agrees too
    assert expr.evaluate(VARS, max_steps=10_000) == generic
    assert expr.evaluate_with_warnings(VARS).value == generic


def _types(v):
    if isinstance(v, dict):
        return {k: _types(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_types(x) for x in v]
    return type(v).__name__


def test_host_numbers_come_back_as_decimal():
    r = feelish.compile("{page: page, doc: doc, xs: [n, price]}").evaluate(VARS)
    assert r == {"page": Decimal(3), "doc": {"a": Decimal(1), "b": [Decimal(1), Decimal("2.5"),
                                                                     {"c": Decimal(3)}]},
                 "xs": [Decimal(7), Decimal("19.5")]}
    assert type(r["page"]) is Decimal and type(r["doc"]["b"][1]) is Decimal
    assert VARS["doc"] == {"a": 1, "b": [1, 2.5, {"c": 3}]}  # the host data is not changed


def test_entry_named_like_a_variable_reads_the_variable():
    # `page` is bound only after its value is computed: the value reads the variable
    assert feelish.evaluate("{page: page + 1, next: page + 1}", {"page": 1}) == \
        {"page": Decimal(2), "next": Decimal(3)}
    assert feelish.evaluate("{a: b, b: 5}", {"b": 1}) == {"a": Decimal(1), "b": Decimal(5)}


def test_results_are_fresh_each_evaluation():
    expr = feelish.compile("{q: query, tags: [1, 2], inner: {k: 1}}")
    first = expr.evaluate(VARS)
    first["tags"].append(3)
    first["inner"]["k"] = 9
    assert expr.evaluate(VARS) == {"q": "red", "tags": [Decimal(1), Decimal(2)],
                                   "inner": {"k": Decimal(1)}}


def test_non_dict_mapping_and_none_take_the_general_path():
    from types import MappingProxyType
    expr = feelish.compile("{p: page}")
    assert expr.evaluate(MappingProxyType({"page": 2})) == {"p": Decimal(2)}
    assert feelish.compile("1 + 1").evaluate(None) == Decimal(2)
    with pytest.raises(TypeError):
        expr.evaluate([1])


def test_errors_on_the_fast_path_are_positioned():
    expr = feelish.compile("{a: x}", origin="f.feelish")
    with pytest.raises(feelish.EvaluationError) as info:
        expr.evaluate({}, strict=True)
    assert info.value.origin == "f.feelish"
    with pytest.raises(feelish.LimitExceeded) as deep:
        feelish.compile("for x in 1..100 return x").evaluate({}, max_steps=10)
    assert deep.value.source == "for x in 1..100 return x"


def test_limit_on_the_fast_path_names_the_source():
    text = "count(for x in 1..2000000 return x)"
    with pytest.raises(feelish.LimitExceeded) as info:
        feelish.compile(text, origin="big.feelish").evaluate({})
    assert info.value.source == text and info.value.origin == "big.feelish"


def _copy(v):
    return list(v) if type(v) is list else (set(v) if type(v) is set else v)


def _snapshots(expr, variables, times):
    seen = []
    real = expr._out

    def spy(s, c):
        seen.append({slot: _copy(getattr(c, slot)) for slot in EvalContext.__slots__})
        return real(s, c)
    object.__setattr__(expr, "_out", spy)
    for _ in range(times):
        expr.evaluate(variables)
    return seen


def test_the_inlined_context_equals_a_constructed_one():
    from feelish.language.compiler.state import NO_SECRETS
    expr = feelish.compile("{a: a, w: missing, t: now()}")
    ref = EvalContext({"a": 1}, NO_SECRETS, False, expr.source, expr._limits, None)
    want = {slot: getattr(ref, slot) for slot in EvalContext.__slots__}
    # first a fresh context, then reused ones (after a warning and a clock read): all alike
    for got in _snapshots(expr, {"a": 1}, 3):
        assert got == want


def test_reused_contexts_start_clean():
    import time
    expr = feelish.compile("now()")
    first = expr.evaluate({})
    time.sleep(0.002)
    assert expr.evaluate({}) > first  # the clock is read again, not kept from the last run
    warn = feelish.compile("{x: missing}")
    for _ in range(3):
        r = warn.evaluate_with_warnings({})
        assert len(r.warnings) == 1 and warn.evaluate({}) == {"x": None}


def test_an_evaluation_inside_a_host_function_gets_its_own_context():
    inner = feelish.compile("{v: x + 1}")
    outer = feelish.compile("{a: f(x), b: x, c: missing}")
    r = outer.evaluate({"x": 1, "f": lambda v: inner.evaluate({"x": 10})})
    assert r == {"a": {"v": Decimal(11)}, "b": Decimal(1), "c": None}


def test_a_failed_evaluation_does_not_disturb_the_next():
    expr = feelish.compile("count(for x in 1..n return x)")
    with pytest.raises(feelish.LimitExceeded):
        expr.evaluate({"n": 2_000_000})
    assert expr.evaluate({"n": 3}) == Decimal(3)


@pytest.mark.parametrize("text", CASES + ['"k=" + <<secrets.KEY>> + x', "<<secrets.KEY>> + 1"])
def test_evaluate_with_warnings_fast_path_equals_the_general_one(text):
    secrets = {"KEY": "s3cr3t-value"}
    expr = feelish.compile(text)
    for sec in (None, secrets):
        if sec is None and expr.secret_names:
            with pytest.raises(feelish.SecretError):
                expr.evaluate_with_warnings(VARS)
            continue
        fast = expr.evaluate_with_warnings(VARS, secrets=sec)
        slow = expr.evaluate_with_warnings(VARS, secrets=sec, max_steps=10**6)
        assert fast.value == slow.value
        assert fast.warnings == slow.warnings
        assert repr(fast) == repr(slow)
        assert "s3cr3t-value" not in repr(fast.warnings)


def test_names_include_variables_read_by_entries_of_the_same_name():
    assert feelish.compile("{q: query, page: page, limit: 50}").names == {"query", "page"}
    assert feelish.compile("{a: b, b: 1}").names == {"b"}
    assert feelish.compile("{a: 1, b: a}").names == frozenset()


def test_threads_evaluating_at_once_never_share_a_context():
    import threading
    expr = feelish.compile("{n: n, s: sum(for i in 1..n return i), w: nothing}")
    errors = []

    def work(k):
        for _ in range(300):
            r = expr.evaluate({"n": k})
            if r != {"n": Decimal(k), "s": Decimal(k * (k + 1) // 2), "w": None}:
                errors.append((k, r))
    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
