"""Operators: arithmetic (numbers, strings, temporal rules), equality, ordering, ranges, properties."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from feelish.language import ast, operators as op
from feelish.errors import Span, WarningKind
from feelish.language.values import FeelFailure, Range, YearsMonthsDuration
from feelish.language.codec import feel_string

from builtin_helpers import D, T


def s(value):
    return feel_string(value)


def test_decimal_arithmetic():
    assert op.add(D("0.1"), D("0.2")) == D("0.3")
    third = op.div(D(1), D(3))
    assert len(third.as_tuple().digits) == 34
    assert op.power(D(2), D(-2)) == D("0.25")
    assert op.power(op.power(D(2), D(3)), D(2)) == D(64)
    assert op.negate(D(5)) == D(-5)
    assert op.mul(2, 0.5) == D(1)  # host ints and floats


def test_null_operands_give_none():
    for fn in (op.add, op.sub, op.mul, op.div, op.power):
        assert fn(None, D(1)) is None
        assert fn(D(1), None) is None
    assert op.negate(None) is None


@pytest.mark.parametrize("fn,a,b", [
    (op.add, "a", D(1)), (op.sub, "a", "b"), (op.mul, "a", D(2)), (op.add, T("P1D"), T("P1M")),
    (op.add, T("2020-01-01"), D(1)), (op.div, D(1), T("P1D")), (op.power, True, D(1)),
])
def test_type_mismatch_is_invalid_type(fn, a, b):
    with pytest.raises(FeelFailure) as info:
        fn(a, b)
    assert info.value.kind == WarningKind.INVALID_TYPE


def test_division_by_zero():
    for a, b in ((D(1), D(0)), (T("P1D"), D(0)), (T("P1D"), T("PT0S")), (T("P1Y"), T("P0M"))):
        with pytest.raises(FeelFailure) as info:
            op.div(a, b)
        assert info.value.kind == WarningKind.DIVISION_BY_ZERO


def test_string_concatenation():
    assert op.add("ab", "cd") == "abcd"


def test_date_plus_days_time_stays_a_date():
    assert op.add(T("2020-01-01"), T("PT36H")) == date(2020, 1, 2)
    assert op.sub(T("2020-01-01"), T("PT1H")) == date(2019, 12, 31)
    assert op.add(T("P1D"), T("2020-01-01")) == date(2020, 1, 2)


def test_month_end_clamping():
    assert op.add(T("2020-01-31"), T("P1M")) == date(2020, 2, 29)
    assert op.add(T("2021-01-31"), T("P1M")) == date(2021, 2, 28)
    assert op.sub(T("2020-03-31"), T("P1M")) == date(2020, 2, 29)
    assert s(op.add(T("2021-01-31T10:00:00@Europe/Paris"), T("P1M"))) == "2021-02-28T10:00:00@Europe/Paris"


def test_date_differences():
    assert op.sub(T("2021-01-02"), T("2021-01-01")) == timedelta(days=1)
    assert s(op.sub(T("2021-01-02"), T("2021-01-01T10:10:10+11:00"))) == "P1DT49M50S"
    with pytest.raises(FeelFailure):
        op.sub(T("2021-01-02"), T("2021-01-01T10:10:10"))  # date vs local date-time


def test_zoned_difference_by_instant():
    assert op.sub(T("2021-01-01T10:00:00Z"), T("2021-01-01T10:00:00+02:00")) == timedelta(hours=2)
    assert op.sub(T("2021-01-02T10:10:10@Europe/Paris"), T("2021-01-01T10:10:10@Asia/Dhaka")) \
        == timedelta(days=1, hours=5)
    with pytest.raises(FeelFailure):
        op.sub(T("2021-01-02T10:10:10"), T("2021-01-01T10:10:10+02:00"))


def test_zoned_addition_is_dst_safe():
    # 2021-03-28 02:00 Paris jumps to 03:00: one hour after 01:30 is 03:30 local
    assert s(op.add(T("2021-03-28T01:30:00@Europe/Paris"), T("PT1H"))) == "2021-03-28T03:30:00@Europe/Paris"


def test_time_arithmetic():
    assert op.add(T("23:00:00"), T("PT2H")) == time(1, 0)
    assert op.sub(T("10:00:00"), T("08:30:00")) == timedelta(hours=1, minutes=30)
    assert op.sub(T("10:00:00Z"), T("10:00:00+01:00")) == timedelta(hours=1)


def test_duration_arithmetic():
    assert op.add(T("P1D"), T("PT12H")) == timedelta(days=1, hours=12)
    assert op.add(T("P1Y"), T("P2M")) == YearsMonthsDuration(14)
    assert s(op.mul(T("PT23H"), D("2.5"))) == "P2DT9H30M"
    assert op.mul(T("P2M"), D("1.5")) == YearsMonthsDuration(3)
    assert op.div(T("P10Y"), D(10)) == YearsMonthsDuration(12)
    assert op.div(T("P10D"), T("P5D")) == D(2)
    assert op.div(T("PT1H"), T("PT2H")) == D(0)  # whole units, truncated (feel-scala)
    assert op.div(T("-PT3H"), T("PT2H")) == D(-1)
    assert op.div(T("P1Y"), T("P5M")) == D(2)
    assert op.div(T("P10Y"), T("P5Y")) == D(2)
    assert op.negate(T("P1Y")) == YearsMonthsDuration(-12)


def test_equality():
    assert op.equal(D(1), D("1.0")) is True
    assert op.equal(1, D(1)) is True
    assert op.equal(None, None) is True
    assert op.equal(D(1), None) is False
    assert op.equal([D(1), {"a": "x"}], [D(1), {"a": "x"}]) is True
    assert op.equal({"a": D(1), "b": D(2)}, {"b": D(2), "a": D(1)}) is True
    assert op.equal([D(1)], [D(2)]) is False
    assert op.equal(T("P1D"), T("PT24H")) is True
    assert op.equal(T("P1Y"), T("P12M")) is True
    assert op.equal(T("2002-04-02T12:00:00-01:00"), T("2002-04-02T17:00:00+04:00")) is True
    assert op.equal(T("10:30:00Z"), T("10:30:00+00:00")) is True
    assert op.equal(Range(D(1), D(10)), Range(D(1), D(10))) is True
    assert op.not_equal(D(1), D(2)) is True


@pytest.mark.parametrize("a,b", [(D(1), "1"), (True, D(1)), ([], D(0)), ({}, []),
                                 (T("P1Y"), T("P365D"))])
def test_equality_across_types_is_not_comparable(a, b):
    with pytest.raises(FeelFailure) as info:
        op.equal(a, b)
    assert info.value.kind == WarningKind.NOT_COMPARABLE


def test_ordering():
    assert op.less(D(1), D(2)) is True
    assert op.greater_equal("b", "a") is True
    assert op.less(T("2020-01-01"), T("2020-01-02")) is True
    assert op.less(T("P1D"), T("P2D")) is True
    assert op.less(T("P1Y"), T("P13M")) is True
    assert op.less(T("10:00:00+01:00"), T("10:00:00Z")) is True
    assert op.less_equal(None, D(1)) is None


@pytest.mark.parametrize("a,b", [(D(5), "a"), (True, False), (T("P1D"), T("P1M")),
                                 (T("2020-01-01T10:00:00"), T("2020-01-01T10:00:00Z")),
                                 ([D(1)], [D(2)])])
def test_unordered_pairs_raise(a, b):
    with pytest.raises(FeelFailure) as info:
        op.less(a, b)
    assert info.value.kind == WarningKind.NOT_COMPARABLE


def test_in_range():
    r = Range(D(1), D(5), True, False)
    assert op.in_range(D(1), r) is True
    assert op.in_range(D(5), r) is False
    assert op.in_range(D("4.99"), r) is True
    assert op.in_range(D(100), Range(D(10), None, False, False)) is True  # > 10
    assert op.in_range(D(1), Range(None, D(10), False, False)) is True  # < 10
    assert op.in_range(None, r) is None
    with pytest.raises(FeelFailure):
        op.in_range("a", r)


def test_properties():
    dt = T("2018-12-10T10:30:01+05:00")
    assert [op.get_property(dt, p) for p in ("year", "month", "day", "weekday", "hour", "minute",
                                             "second")] == [D(2018), D(12), D(10), D(1), D(10), D(30), D(1)]
    assert op.get_property(dt, "time offset") == timedelta(hours=5)
    assert op.get_property(T("2018-12-10T10:30:00@Etc/UTC"), "timezone") == "Etc/UTC"
    assert op.get_property(T("2018-12-10T10:30:00"), "timezone") is None
    assert op.get_property(T("PT36H"), "hours") == D(12)
    assert op.get_property(T("PT36H"), "days") == D(1)
    assert op.get_property(T("-P1Y2M"), "years") == D(-1)
    assert op.get_property(T("-P1Y2M"), "months") == D(-2)
    r = Range(D(1), D(10), False, True)
    assert op.get_property(r, "start included") is False
    assert op.get_property(r, "end") == D(10)
    assert op.get_property(None, "year") is None
    with pytest.raises(FeelFailure) as info:
        op.get_property(T("P1Y"), "days")
    assert info.value.kind == WarningKind.NO_PROPERTY_FOUND


def _t(name, *params, fields=(), result=None):
    return ast.TypeRef(Span(0, 0), name, tuple(params), tuple(fields), result)


def test_type_matches():
    assert op.type_matches(D(1), _t("number"))
    assert op.type_matches(5, _t("number"))
    assert not op.type_matches(True, _t("number"))
    assert op.type_matches(T("2020-01-01"), _t("date"))
    assert not op.type_matches(T("2020-01-01T00:00:00"), _t("date"))
    assert op.type_matches(T("2020-01-01T00:00:00"), _t("date and time"))
    assert op.type_matches(T("P1D"), _t("days and time duration"))
    assert op.type_matches(T("P1Y"), _t("years and months duration"))
    assert op.type_matches([D(1), D(2)], _t("list", _t("number")))
    assert not op.type_matches([D(1), "a"], _t("list", _t("number")))
    assert op.type_matches({"a": None, "b": D(1)}, _t("context", fields=[("a", _t("string"))]))
    assert not op.type_matches({"b": D(1)}, _t("context", fields=[("a", _t("string"))]))
    assert op.type_matches(Range(D(1), D(2)), _t("range", _t("number")))
    assert not op.type_matches(None, _t("Any"))
    assert op.type_matches("x", _t("Any"))
