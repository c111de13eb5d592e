"""Numeric and context functions."""
from __future__ import annotations

from datetime import timedelta

import pytest

from feelish.errors import WarningKind
from feelish.language.values import YearsMonthsDuration

from builtin_helpers import D, T, call, fails, named

FAIL = WarningKind.FUNCTION_INVOCATION_FAILURE


@pytest.mark.parametrize("name,n,scale,expected", [
    ("decimal", "1.255", 2, "1.26"), ("decimal", "2.5", 0, "2"), ("decimal", "0.515", 2, "0.52"),
    ("decimal", "1.5", "2.7", "1.5"), ("floor", "-1.56", 1, "-1.6"), ("ceiling", "-1.56", 1, "-1.5"),
    ("round up", "-5.5", 0, "-6"), ("round down", "-5.5", 0, "-5"), ("round half up", "-1.126", 2, "-1.13"),
    ("round half down", "5.5", 0, "5"), ("round half up", "5.5", 6176, "5.5"), ("floor", "1234", -2, "1200"),
])
def test_rounding(name, n, scale, expected):
    assert call(name, D(n), D(scale)) == D(expected)


def test_rounding_one_argument_forms_and_limits():
    assert call("floor", D("-1.5")) == D(-2)
    assert call("ceiling", D("1.2")) == D(2)
    assert call("round half up", D("2.5")) == D(3)
    fails(FAIL, "round up", D("5.5"), D(6177))
    fails(FAIL, "round up", D("5.5"), D(-6112))


def test_decimal_modes():
    assert call("decimal", D("1.255"), D(2), "HALF_UP") == D("1.26")
    assert call("decimal", D("1.251"), D(2), "CEILING") == D("1.26")
    assert call("decimal", D("-1.251"), D(2), "FLOOR") == D("-1.26")
    assert call("decimal", D("1.259"), D(2), "DOWN") == D("1.25")
    assert call("decimal", D("1.20"), D(1), "UNNECESSARY") == D("1.2")
    fails(FAIL, "decimal", D("1.25"), D(1), "UNNECESSARY")
    fails(FAIL, "decimal", D("1.25"), D(1), "SIDEWAYS")


def test_abs_modulo_parity():
    assert call("abs", D(-1)) == D(1)
    assert call("abs", T("-P1D")) == timedelta(days=1)
    assert call("abs", T("-P1Y")) == YearsMonthsDuration(12)
    assert call("modulo", D(-12), D(5)) == D(3)
    assert call("modulo", D(12), D(-5)) == D(-3)
    assert call("modulo", D("-10.1"), D("4.5")) == D("3.4")
    fails(FAIL, "modulo", D(1), D(0))
    assert call("odd", D(-1)) is True and call("even", D(0)) is True
    assert call("odd", D("1.5")) is False and call("even", D("2.5")) is False


def test_sqrt_log_exp():
    assert call("sqrt", D(4)) == D(2)
    assert abs(call("sqrt", D(2)) - D("1.414213562373095048801688724209698")) < D("1e-30")
    assert abs(call("log", D(4)) - D("1.38629436")) < D("1e-8")
    assert abs(call("exp", D(4)) - D("54.59815003")) < D("1e-8")
    fails(FAIL, "sqrt", D(-1))
    fails(FAIL, "log", D(0))
    fails(FAIL, "exp", D(10) ** 20)  # overflow is a failure, never infinity


def test_random_number():
    values = {call("random number") for _ in range(50)}
    assert all(D(0) <= v < D(1) for v in values)
    assert len(values) > 40


def test_get_value_and_entries():
    m = {"a": "foo", "b": {"c": D(1)}, "n": None}
    assert call("get value", m, "a") == "foo"
    assert call("get value", m, "zz") is None
    assert call("get value", m, ["b", "c"]) == D(1)
    assert call("get value", m, ["b", "x", "y"]) is None
    assert named("get value", m=m, key="a") == "foo"
    assert call("get entries", {"a": D(1), "b": "x"}) == [{"key": "a", "value": D(1)},
                                                         {"key": "b", "value": "x"}]
    fails(FAIL, "get value", "foo", "foo")
    fails(FAIL, "get entries", [D(1)])


def test_context_put():
    base = {"x": D(1), "y": {"a": D(0)}}
    assert call("context put", base, "x", D(2)) == {"x": D(2), "y": {"a": D(0)}}
    assert list(call("context put", {"a": 1, "b": 2}, "c", 3)) == ["a", "b", "c"]
    assert call("context put", base, ["y", "b"], D(2)) == {"x": D(1), "y": {"a": D(0), "b": D(2)}}
    assert call("context put", {}, ["p", "q"], D(1)) == {"p": {"q": D(1)}}
    assert base == {"x": D(1), "y": {"a": D(0)}}  # not mutated
    fails(FAIL, "context put", base, ["y", "a", "b"], D(2))
    fails(FAIL, "context put", base, [], D(2))
    fails(FAIL, "context put", base, None, D(2))
    assert call("put", {}, "a", D(1)) == {"a": D(1)}


def test_context_merge():
    assert call("context merge", [{"a": D(1)}, {"a": D(2), "b": D(3)}]) == {"a": D(2), "b": D(3)}
    assert call("context merge", {"a": D(1)}, {"b": D(2)}) == {"a": D(1), "b": D(2)}
    assert call("put all", [{"a": D(1)}]) == {"a": D(1)}
    fails(FAIL, "context merge", [{"a": D(1)}, D(2)])


def test_34_digit_precision_is_kept():
    assert call("number", "1234567890123456789012345678901234") == D("1234567890123456789012345678901234")
    big = D("1234567890123456789012345678901234.5")
    assert call("floor", big, D(-2)) == D("1234567890123456789012345678901200")
