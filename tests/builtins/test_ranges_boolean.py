"""Range functions (open, closed and unbounded ends), boolean and miscellaneous functions."""
from __future__ import annotations

import pytest

from feelish.errors import EvaluationError, WarningKind
from feelish.language.values import Range

from builtin_helpers import D, T, call, fails

FAIL = WarningKind.FUNCTION_INVOCATION_FAILURE


def R(a, b, si=True, ei=True):  # noqa: N802
    return Range(None if a is None else D(a), None if b is None else D(b), si, ei)


@pytest.mark.parametrize("name,a,b,expected", [
    ("before", D(1), D(10), True), ("before", D(10), D(1), False),
    ("before", D(1), R(2, 5), True), ("before", D(1), R(1, 5, False), True),
    ("before", R(1, 5, True, False), D(5), True), ("before", R(1, 5), D(5), False),
    ("before", R(1, 5), R(6, 8), True), ("before", R(1, 5), R(5, 8), False),
    ("before", R(1, 5, True, False), R(5, 8), True),
    ("after", D(10), D(1), True), ("after", R(6, 8), R(1, 5), True), ("after", D(12), R(2, 5), True),
    ("meets", R(1, 5), R(5, 8), True), ("meets", R(1, 5, True, False), R(5, 8), False),
    ("met by", R(5, 8), R(1, 5), True),
    ("overlaps", R(1, 5), R(3, 8), True), ("overlaps", R(1, 5), R(5, 8), True),
    ("overlaps", R(1, 5, True, False), R(5, 8), False), ("overlaps", R(1, 5), R(6, 8), False),
    ("overlaps before", R(1, 5), R(3, 8), True), ("overlaps before", R(3, 8), R(1, 5), False),
    ("overlaps after", R(3, 8), R(1, 5), True),
    ("finishes", D(10), R(1, 10), True), ("finishes", D(10), R(1, 10, True, False), False),
    ("finishes", R(3, 10), R(1, 10), True), ("finished by", R(1, 10), D(10), True),
    ("includes", R(1, 10), D(5), True), ("includes", R(1, 10, False), D(1), False),
    ("includes", R(1, 10), R(4, 6), True), ("during", D(5), R(1, 10), True),
    ("during", R(4, 6), R(1, 10), True), ("during", R(1, 10), R(1, 10, False), False),
    ("starts", D(1), R(1, 10), True), ("starts", R(1, 5), R(1, 10), True),
    ("started by", R(1, 10), R(1, 5), True), ("started by", R(1, 10), D(2), False),
    ("coincides", D(5), D(5), True), ("coincides", R(1, 5), R(1, 5), True),
    ("coincides", R(1, 5), R(1, 5, False), False),
    ("includes", R(None, 10, False, True), D(-1000), True),  # unbounded start (<= 10)
    ("before", R(None, 10, False, False), D(10), True),
    ("after", R(10, None, False, False), D(10), True),
    ("before", T("2020-01-01"), Range(T("2020-01-02"), T("2020-02-01")), True),
])
def test_range_functions(name, a, b, expected):
    assert call(name, a, b) is expected


def test_range_function_argument_checks():
    fails(FAIL, "meets", D(1), R(1, 5))  # meets needs two ranges
    fails(FAIL, "before", D(1), "a")
    fails(FAIL, "before", None, D(1))


def test_not_and_defined():
    assert call("not", True) is False and call("not", None) is None
    fails(FAIL, "not", D(0))
    assert call("is defined", D(0)) is True and call("is defined", None) is False
    assert call("get or else", None, "x") == "x" and call("get or else", D(0), "x") == D(0)


def test_assert_raises_evaluation_error():
    assert call("assert", D(5), True) == D(5)
    with pytest.raises(EvaluationError) as info:
        call("assert", D(5), False, "value too small")
    assert info.value.message == "value too small"
    with pytest.raises(EvaluationError):
        call("assert", D(5), None)


@pytest.mark.parametrize("a,b,expected", [
    (D(1), D("1.0"), True), ("a", "a", True), (D(1), "1", False), (None, None, True),
    (T("2012-12-25"), T("2012-12-25T00:00:00Z"), False), (T("23:00:50Z"), T("23:00:50+00:00"), True),
    (T("23:00:50@Australia/Melbourne"), T("23:00:50+10:00"), False),
    (T("2002-04-02T12:00:00-01:00"), T("2002-04-02T17:00:00+04:00"), False),
    (T("P1D"), T("PT24H"), True), (T("P0Y"), T("P0D"), False),
])
def test_is(a, b, expected):
    assert call("is", a, b) is expected


def test_from_ai_returns_its_value():
    assert call("fromAi", D(5)) == D(5)
    assert call("fromAi", {"a": 1}, "a description", "context") == {"a": 1}


def test_null_bound_differs_from_open_bound():
    fails(FAIL, "includes", Range(None, D(10), True, True), D(5))  # [null..10]
    assert call("includes", Range(None, D(10), False, True), D(5)) is True  # <= 10
