"""The value model: host conversion, string() formatting, JSON, temporal literals."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from feelish.language import temporal
from feelish.language.values import FeelFailure, Range, YearsMonthsDuration, is_number, to_feel, to_python
from feelish.language.codec import feel_string, from_json_text, json_text, to_json_value

from builtin_helpers import D, T


def test_is_number():
    assert is_number(D(1)) and is_number(1) and is_number(1.5)
    assert not is_number(True) and not is_number("1") and not is_number(None)


def test_to_feel_is_deep():
    value = to_feel({"a": (1, 2.5, {"b": 0.1}), 3: True})
    assert value == {"a": [D(1), D("2.5"), {"b": D("0.1")}], "3": True}
    assert type(value["a"]) is list and type(value["a"][0]) is Decimal
    assert to_python([float("nan")]) == [None]


@pytest.mark.parametrize("value,text", [
    (D("1.50"), "1.50"), (D(-0), "0"), (D("1E+3"), "1000"), (True, "true"), (None, "null"),
    ("x", "x"), ([D(1), "a", None], '[1, "a", null]'), ({"a": D(1), "b": [True]}, "{a:1, b:[true]}"),
    (YearsMonthsDuration(14), "P1Y2M"), (YearsMonthsDuration(-3), "-P3M"), (YearsMonthsDuration(0), "P0M"),
    (timedelta(hours=36), "P1DT12H"), (timedelta(0), "PT0S"), (-timedelta(days=1), "-P1D"),
    (timedelta(seconds=1, microseconds=500000), "PT1.5S"),
    (date(2024, 1, 5), "2024-01-05"), (time(10, 30), "10:30:00"),
    (time(10, 30, tzinfo=timezone.utc), "10:30:00Z"),
    (datetime(2024, 1, 5, 10, 0, 0, 120000), "2024-01-05T10:00:00.12"),
    (Range(D(1), D(5), False, True), "(1..5]"),
])
def test_feel_string(value, text):
    assert feel_string(value) == text


def test_zoned_strings():
    assert feel_string(T("2018-12-08T10:30:11@Australia/Melbourne")) == "2018-12-08T10:30:11@Australia/Melbourne"
    assert feel_string(T("2018-12-08T10:30:11+01:00[Europe/Paris]")) == "2018-12-08T10:30:11@Europe/Paris"
    assert feel_string(T("10:30:11@Australia/Melbourne")) == "10:30:11@Australia/Melbourne"
    assert feel_string(T("10:30:11-05:30")) == "10:30:11-05:30"


def test_json_helpers():
    value = {"n": D("2.50"), "i": D(3), "d": T("P2D"), "ym": T("P3Y"),
             "z": T("2020-01-01T10:00:00@Europe/Berlin"), "l": [None, True]}
    assert json_text(value) == ('{"n":2.50,"i":3,"d":"PT48H","ym":"P3Y",'
                                '"z":"2020-01-01T10:00:00+01:00[Europe/Berlin]","l":[null,true]}')
    assert to_json_value(D("2.0")) == 2 and type(to_json_value(D("2.0"))) is int
    assert from_json_text('{"a": 1.10, "b": [1, "x"]}') == {"a": D("1.10"), "b": [D(1), "x"]}
    with pytest.raises(ValueError):
        from_json_text("{nope")
    with pytest.raises(ValueError):
        from_json_text("NaN")
    assert json_text({"a": [1]}, indent=2) == '{\n  "a": [\n    1\n  ]\n}'


@pytest.mark.parametrize("text,expected", [
    ("2024-02-29", date(2024, 2, 29)),
    ("10:30", time(10, 30)),
    ("10:30:00.5+02:00", time(10, 30, 0, 500000, tzinfo=timezone(timedelta(hours=2)))),
    ("2024-01-01T00:00:00", datetime(2024, 1, 1)),
    ("2024-01-01T24:00:00", datetime(2024, 1, 2)),
    ("P1Y2M", YearsMonthsDuration(14)),
    ("-P2M", YearsMonthsDuration(-2)),
    ("P1DT2H3M4.5S", timedelta(days=1, hours=2, minutes=3, seconds=4.5)),
    ("PT0.S", timedelta(0)),
])
def test_parse_literal(text, expected):
    assert temporal.parse_literal(text) == expected


def test_parse_zone_forms():
    a = temporal.parse_literal("2024-01-01T10:00:00@Europe/Berlin")
    b = temporal.parse_literal("2024-01-01T10:00:00+01:00[Europe/Berlin]")
    assert a == b and a.tzinfo.key == "Europe/Berlin"
    assert temporal.parse_literal("2024-01-01T10:00:00Z").utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", [
    "2023-02-29", "2024-13-01", "2024-1-01", "01211-12-31", "25:00:00", "10:60:00", "7:00:00",
    "13:20:00+19:00", "13:20:00+02:00@Europe/Paris", "13:20:00@xyz/abc", "P1Y2D", "P", "PT", "P1H",
    "2024-01-01T10:00:00@../etc", "nonsense", "",
])
def test_invalid_literals_fail(text):
    with pytest.raises(FeelFailure):
        temporal.parse_literal(text)
