"""Specialised closures (arithmetic, comparisons, loops) give exactly the general operators'
results: same value, same scale, same sign of zero, same warnings."""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import feelish
from feelish.language import operators
from feelish.errors import WarningKind
from feelish.language.values import DECIMAL, FeelFailure, to_decimal

values = st.one_of(
    st.integers(min_value=-10**36, max_value=10**36),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True, places=4),
    st.sampled_from([Decimal("-0"), Decimal("1E+999999999"), Decimal("9.99E+999999998"), -0.0, 0.0,
                     True, None, "", "ab", "x" * 70, dt.date(2026, 1, 25), dt.timedelta(days=2),
                     [1], {"a": 1}]),
    st.text(max_size=40),
)
OPS = {"+": operators.add, "-": operators.sub, "*": operators.mul, "=": operators.equal,
       ">": operators.greater, "<=": operators.less_equal}


def _reference(op, a, b):
    try:
        return OPS[op](a, b), False
    except (FeelFailure, ArithmeticError, TypeError, ValueError):
        return None, True


def _same(got, want):
    assert type(got) is type(want) or (type(want) in (int, float) and type(got) is Decimal)
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        want = to_decimal(want)
    assert str(got) == str(want) and got == want


@settings(max_examples=400, deadline=None)
@given(a=values, b=values, op=st.sampled_from(sorted(OPS)))
def test_variable_operands(a, b, op):
    want, failed = _reference(op, a, b)
    r = feelish.compile(f"a {op} b").evaluate_with_warnings({"a": a, "b": b})
    _same(r.value, want)
    assert bool(r.warnings) == failed


@settings(max_examples=300, deadline=None)
@given(a=values, op=st.sampled_from(sorted(OPS)),
       literal=st.sampled_from(["2", "-3", "0", "2.50", "1E+30", '"s"', '"' + "y" * 60 + '"']))
def test_literal_operand_on_either_side(a, op, literal):
    k = feelish.evaluate(literal)
    for text, x, y in ((f"a {op} {literal}", a, k), (f"{literal} {op} a", k, a)):
        want, failed = _reference(op, x, y)
        r = feelish.compile(text).evaluate_with_warnings({"a": a})
        _same(r.value, want)
        assert bool(r.warnings) == failed, text


@pytest.mark.parametrize("text", [
    "for x in {r} return x * 2", "for x in {r} return x * 3", "for x in {r} return x * -1",
    "for x in {r} return x * 0", "for x in {r} return x + 5", "for x in {r} return x - 7",
    "for x in {r} return x * 2.5", "for x in {r} return x - 1E+40", "for x in {r} return x",
    "for x in {r} return x * 100000000000000000000",
])
@pytest.mark.parametrize("r", ["1..100", "5..-5", "-300..-250", "4090..4100", "0..0", "-3..3"])
def test_for_over_ranges(text, r):
    got = feelish.evaluate(text.format(r=r))
    a, b = (int(p) for p in r.split(".."))
    xs = range(a, b + 1) if a <= b else range(a, b - 1, -1)
    body = text.split("return ")[1]
    want = []
    for i in xs:
        x = Decimal(i)
        if body == "x":
            want.append(x)
            continue
        op, lit = body.split(" ")[1], Decimal(body.split(" ")[2])
        want.append({"*": DECIMAL.multiply, "+": DECIMAL.add, "-": DECIMAL.subtract}[op](x, lit))
    assert [str(v) for v in got] == [str(v) for v in want]


def test_for_over_host_lists_and_nulls():
    assert feelish.evaluate("for x in xs return x * 2", {"xs": [1, 2.5, Decimal("3")]}) == \
        [Decimal(2), Decimal("5.0"), Decimal(6)]
    r = feelish.compile("for x in xs return x * 2").evaluate_with_warnings({"xs": [1, None, "a"]})
    assert r.value == [Decimal(2), None, None] and len(r.warnings) == 1
    assert feelish.evaluate("for x in xs return x * 2", {"xs": None}) is None


@pytest.mark.parametrize("text, want", [
    ("some x in xs satisfies x > 2", True), ("every x in xs satisfies x > 0", True),
    ("every x in xs satisfies x > 1", False), ("some x in ys satisfies x > 5", None),
    ("every x in ys satisfies x > 0", None), ("some x in ys satisfies x = 1", True),
    ("some x in [] satisfies x > 1", False), ("every x in [] satisfies x > 1", True),
    ("some x in null satisfies x > 1", None), ('some x in ss satisfies x = "b"', True),
    ("some x in 1..5 satisfies x > 4", True), ("every x in xs satisfies x > 0 and x < 4", True),
])
def test_quantifiers(text, want):
    v = {"xs": [1, 2, 3], "ys": [1, None, "a"], "ss": ["a", "b"]}
    assert feelish.evaluate(text, v) is want


def test_nan_and_infinity_from_the_host_warn_as_before():
    for v in (math.nan, math.inf, Decimal("NaN"), Decimal("-Infinity")):
        r = feelish.compile("x * 2 + 1").evaluate_with_warnings({"x": v})
        assert r.value is None and r.warnings


@pytest.mark.parametrize("text, variables, want", [
    ('xs[total > 100].id', {"xs": [{"id": 1, "total": 150}, {"id": 2, "total": 50}]}, [Decimal(1)]),
    ('xs[status = "open"]', {"xs": [{"status": "open"}, {"status": "shut"}, {}]}, [{"status": "open"}]),
    # an item without the entry: the name falls back to the variable of that name
    ('xs[total > 100]', {"xs": [{"a": 1}], "total": 500}, [{"a": Decimal(1)}]),
    ('xs[item > 1]', {"xs": [1, 2, 3]}, [Decimal(2), Decimal(3)]),
    ('xs[total > 1]', {"xs": [1, 2]}, []),  # no entry, no variable: a warning, nothing kept
])
def test_filters_reading_item_entries(text, variables, want):
    assert feelish.evaluate(text, variables) == want


def test_filter_over_mapping_items_and_missing_entries_warns_as_before():
    from types import MappingProxyType
    xs = [MappingProxyType({"total": 200, "id": "m"}), {"total": 5, "id": "d"}]
    assert feelish.evaluate("xs[total > 100].id", {"xs": xs}) == ["m"]
    r = feelish.compile("xs[total > 1]").evaluate_with_warnings({"xs": [1, 2]})
    assert r.value == [] and [w.kind for w in r.warnings] == [WarningKind.NO_VARIABLE_FOUND]


PATH_DATA = {"v": {"a": {"b": [10, {"c": 1}, None], "m": None, "t": (1, 2),
                         "xs": [{"c": 1}, {"c": 2}, {"d": 3}], "s": "str"}}}


@pytest.mark.parametrize("path", [
    ".a.b[1]", ".a.b[2].c", ".a.b[3]", ".a.b[4]", ".a.b[-1]", ".a.b[0]", ".a.nope", ".a.nope.x",
    ".a.m.x", ".a.t[1]", ".a.xs.c", ".a.xs[2].c", ".a.s.x", ".a.b[2].nope", ".a", ".a.xs.d",
])
def test_paths_read_inline_equal_the_general_walk(path):
    inline = feelish.compile("v" + path).evaluate_with_warnings(PATH_DATA)
    general = feelish.compile("[v][1]" + path).evaluate_with_warnings(PATH_DATA)  # no inline root
    assert inline.value == general.value
    assert [(w.kind, w.message) for w in inline.warnings] == \
        [(w.kind, w.message) for w in general.warnings]


def test_context_with_literal_indexes_reads_paths():
    r = feelish.evaluate("{id: v.a.b[1], c: v.a.b[2].c, last: v.a.xs[-1]}", PATH_DATA)
    assert r == {"id": Decimal(10), "c": Decimal(1), "last": {"d": Decimal(3)}}
    assert feelish.evaluate("{a: 1, b: xs[a]}", {"xs": [5, 6]}) == {"a": Decimal(1), "b": Decimal(5)}
    assert feelish.evaluate("missing.a.b", {}) is None


def test_a_large_range_is_iterated_lazily():
    import tracemalloc
    tracemalloc.start()
    try:
        assert feelish.evaluate("some x in 1..900000 satisfies x > 5") is True
        assert tracemalloc.get_traced_memory()[1] < 5_000_000  # no 900,000 Decimals up front
    finally:
        tracemalloc.stop()
    assert feelish.evaluate("for x in 4094..4098 return x") == [Decimal(i) for i in range(4094, 4099)]


@pytest.mark.parametrize("text", ["nobody.a", "nobody.a.b", "v.a", "v.a.m", "v.a.s", "v.a.t",
                                  "n.a", "n.a.b", "l.a", "l.a.b"])
def test_short_paths_equal_the_general_walk(text):
    data = {**PATH_DATA, "n": None, "l": [{"a": {"b": 1}}, {"a": 2}]}
    inline = feelish.compile(text).evaluate_with_warnings(data)
    general = feelish.compile("[" + text.split(".")[0] + "][1]." + text.split(".", 1)[1]) \
        .evaluate_with_warnings(data)
    assert inline.value == general.value
    assert [(w.kind, w.message) for w in inline.warnings] == \
        [(w.kind, w.message) for w in general.warnings]


def test_filter_with_and_of_entry_comparisons():
    from types import MappingProxyType
    xs = [{"status": "open", "total": 150, "id": 1}, {"status": "open", "total": 50, "id": 2},
          {"status": "shut", "total": 500, "id": 3}, MappingProxyType({"status": "open", "total": 101,
                                                                         "id": 4}),
          {"status": "open", "id": 5}, 7, None]
    text = 'xs[status = "open" and total > 100].id'
    r = feelish.compile(text).evaluate_with_warnings({"xs": xs, "total": 1000})
    # item 5 has no total: the variable `total` (1000) is read, as for any name in a filter
    assert r.value == [Decimal(1), Decimal(4), Decimal(5)]
    r2 = feelish.compile(text).evaluate_with_warnings({"xs": xs})
    assert r2.value == [Decimal(1), Decimal(4)]
    assert {w.kind for w in r2.warnings} == {WarningKind.NO_VARIABLE_FOUND}
