"""Conversion functions and temporal functions."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from feelish.errors import WarningKind
from feelish.language.values import Range, YearsMonthsDuration
from feelish.language.codec import feel_string

from builtin_helpers import D, T, call, fails

FAIL = WarningKind.FUNCTION_INVOCATION_FAILURE


def test_date():
    assert call("date", "2024-02-29") == date(2024, 2, 29)
    assert call("date", T("2024-02-29T10:00:00@Europe/Paris")) == date(2024, 2, 29)
    assert call("date", D(2024), D(2), D(29)) == date(2024, 2, 29)
    fails(FAIL, "date", "2023-02-29")
    fails(FAIL, "date", D(2023), D(2), D(29))
    fails(FAIL, "date", D(2023))


def test_date_and_time():
    assert call("date and time", "2024-01-01") == datetime(2024, 1, 1)
    assert call("date and time", T("2024-01-01"), T("10:00:00Z")) == \
        datetime(2024, 1, 1, 10, tzinfo=timezone.utc)
    assert call("date and time", T("2024-01-01T08:00:00"), T("10:00:00")) == datetime(2024, 1, 1, 10)
    moved = call("date and time", T("2024-01-01T10:00:00Z"), "Europe/Berlin")
    assert feel_string(moved) == "2024-01-01T11:00:00@Europe/Berlin"
    attached = call("date and time", T("2024-01-01T10:00:00"), "Europe/Berlin")
    assert feel_string(attached) == "2024-01-01T10:00:00@Europe/Berlin"
    fails(FAIL, "date and time", T("2024-01-01T10:00:00"), "No/Zone")
    fails(FAIL, "date and time", "2024-01-01T25:00:00")


def test_time():
    assert call("time", "10:30") == time(10, 30)
    assert call("time", T("2024-01-01T10:20:00+01:00")) == time(10, 20, tzinfo=timezone(timedelta(hours=1)))
    assert call("time", T("2024-01-01")) == time(0, 0, tzinfo=timezone.utc)
    assert call("time", D(11), D(59), D("45.5")) == time(11, 59, 45, 500000)
    assert feel_string(call("time", D(11), D(59), D(45), T("-PT2H45M55S"))) == "11:59:45-02:45:55"
    assert call("time", D(11), D(59), D(45), None) == time(11, 59, 45)
    fails(FAIL, "time", D(24), D(0), D(0))
    fails(FAIL, "time", "24:00:01")


def test_number():
    assert call("number", "1,000,000.01", ",", ".") == D("1000000.01")
    assert call("number", "1 000,5", " ", ",") == D("1000.5")
    assert call("number", "-.5") == D("-0.5")
    assert call("number", "1000000.01", None, ".") == D("1000000.01")
    for args in (("",), ("abc",), ("1,0", ":"), ("1.0", ".", "."), ("1.000,5", ".")):
        fails(FAIL, "number", *args)


def test_string_and_duration():
    assert call("string", D("1.50")) == "1.50"
    assert call("string", [D(1), "a"]) == '[1, "a"]'
    assert call("string", None) is None
    assert call("duration", "P1DT2H") == timedelta(days=1, hours=2)
    assert call("duration", "P14M") == YearsMonthsDuration(14)
    fails(FAIL, "duration", "P1Y2D")


@pytest.mark.parametrize("a,b,months", [
    ("2011-12-22", "2013-08-24", 20), ("2013-08-24", "2011-12-22", -20),
    ("2016-09-30T23:25:00", "2017-12-28T12:12:12", 14), ("2014-12-31T23:59:59", "2016-12-31T00:00:01", 24),
    ("2016-01-01", "2016-01-01", 0),
])
def test_years_and_months_duration(a, b, months):
    assert call("years and months duration", T(a), T(b)) == YearsMonthsDuration(months)


def test_context_and_json():
    assert call("context", [{"key": "a", "value": D(1)}, {"key": "b", "value": None}]) == {"a": D(1), "b": None}
    assert call("context", {"key": "a", "value": D(1)}) == {"a": D(1)}
    assert call("context", [{"key": "a", "value": D(1)}, {"key": "a", "value": D(2)}]) == {"a": D(2)}
    fails(FAIL, "context", [{"value": 1}])
    assert call("to json", {"a": [D(1), "x", None]}) == '{"a":[1,"x",null]}'
    assert call("to json", T("2020-01-01")) == '"2020-01-01"'
    assert call("from json", '{"a": [1.5, true]}') == {"a": [D("1.5"), True]}
    assert call("from json", '"2020-01-01"') == "2020-01-01"  # strings stay strings
    fails(FAIL, "from json", "{bad")


def test_range_from_string():
    assert call("range", "[1..3]") == Range(D(1), D(3), True, True)
    assert call("range", "(18..21[") == Range(D(18), D(21), False, False)
    assert call("range", '["a".."c"]') == Range("a", "c")
    assert call("range", '[@"P1D"..duration("P2D")]') == Range(T("P1D"), T("P2D"))
    for bad in ("[..2]", "[3..1]", '[1.."b"]', ">=10", "", '[date(x)..@"2020-01-01"]'):
        fails(FAIL, "range", bad)


class Clock:
    now = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_now_and_today_use_the_evaluation_clock():
    assert call("now", ctx=Clock()) == Clock.now
    assert call("today", ctx=Clock()) == date(2024, 3, 1)
    assert call("now").tzinfo is not None  # system clock fallback, zoned


def test_calendar_functions():
    assert call("day of year", T("2020-12-31")) == D(366)
    assert call("day of week", T("2019-09-17T10:10:10")) == "Tuesday"
    assert call("month of year", T("2019-09-17")) == "September"
    assert call("week of year", T("2021-01-03")) == D(53)
    assert call("week of year", T("2019-09-17")) == D(38)
    assert call("last day of month", T("2024-02-10")) == date(2024, 2, 29)
    fails(FAIL, "day of year", "2020-01-01")
