"""The exporting fast path: results normalised per shape must equal the generic deep export."""
from __future__ import annotations

from decimal import Decimal

import pytest

import feelish
from feelish.compile_state import EvalContext
from feelish.compile_util import export

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
    generic = export(expr._fn(None, EvalContext(VARS)))
    fast = expr.evaluate(VARS)
    assert fast == generic
    assert _types(fast) == _types(generic)
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


def test_the_inlined_context_equals_a_constructed_one():
    from feelish import api
    from feelish.compile_state import NO_SECRETS
    seen = []
    expr = feelish.compile("1")
    real = expr._out
    object.__setattr__(expr, "_out", lambda s, c: seen.append(c) or real(s, c))
    expr.evaluate({"a": 1})
    fast = seen[0]
    ref = EvalContext({"a": 1}, NO_SECRETS, False, "1", expr._limits, None)
    for slot in EvalContext.__slots__:
        assert getattr(fast, slot) == getattr(ref, slot), slot
    assert api._new is object.__new__


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
