"""FEEL values survive the trip through JSON (`feelish.integrations.celery.codec`)."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import feelish
from feelish.integrations.celery.codec import decode, encode
from feelish.language.nanos import WideDuration, WideTime
from feelish.language.wide import WideDate, WideDateTime

PARIS = ZoneInfo("Europe/Paris")
VALUES = [
    None, True, "text", 7, 2.5, Decimal("0.1"), Decimal("-1E+40"), Decimal("1.50"),
    dt.date(2024, 2, 29), dt.time(10, 0, 1, 5), dt.time(23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-3))),
    dt.time(8, 30, tzinfo=PARIS), dt.datetime(2024, 1, 1, 12), dt.datetime(2024, 10, 27, 2, 30, tzinfo=PARIS),
    dt.datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=PARIS),
    dt.datetime(2024, 1, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
    dt.timedelta(days=-1, seconds=3, microseconds=7), feelish.YearsMonthsDuration(-14),
    feelish.Range(Decimal(1), Decimal(5), True, False), feelish.Range(None, dt.date(2024, 1, 1), False, True),
    [Decimal(1), [None, "x"]], {"a": {"b": Decimal("2")}}, {"__feel__": "number", "value": "1"},
]
#: values beyond Python's date, time and timedelta: years outside 1..9999, nanoseconds
WIDE = [feelish.evaluate(text) for text in (
    'date("-0044-03-15")', 'date("999999999-12-31")', 'date and time("-2024-05-01T10:00:00.5-03:30")',
    'date and time("2024-10-27T02:30:00.000000001@Europe/Paris")', 'date and time("12024-01-01T00:00:00")',
    'time("23:59:59.999999999@Europe/Paris")', 'time("09:30:00.000000007+02:00")', 'time("10:00:00.1234567")',
    'duration("-PT0.000000001S")', 'duration("P1000000000DT1.000000002S")', 'duration("-P1000000000D")')]
WIDE += [WIDE[3].replace(fold=1), feelish.Range(WIDE[0], dt.date(2024, 1, 1), True, False), {"at": WIDE[5:8]}]


def same(a, b) -> bool:
    """Equal, of the same type, and (for temporal values) in the same zone and fold."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, feelish.Range):
        return same(a.start, b.start) and same(a.end, b.end) and \
            (a.start_included, a.end_included) == (b.start_included, b.end_included)
    if isinstance(a, (dt.datetime, dt.time, WideDateTime, WideTime)):
        return a.replace(tzinfo=None) == b.replace(tzinfo=None) and a.fold == b.fold and \
            str(a.tzinfo) == str(b.tzinfo)
    return a == b and str(a) == str(b)


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_round_trip(value):
    assert same(decode(json.loads(json.dumps(encode(value)))), value)


@pytest.mark.parametrize("value", WIDE, ids=repr)
def test_round_trip_of_wide_values(value):
    assert same(decode(json.loads(json.dumps(encode(value)))), value)


def test_wide_values_keep_their_kind_and_every_part():
    assert {WideDate, WideDateTime, WideTime, WideDuration} <= {type(v) for v in WIDE}
    assert encode(WIDE[3]) == {"__feel__": "date and time", "value": "2024-10-27T02:30:00.000000001",
                               "zone": "Europe/Paris", "fold": 0}
    assert encode(WIDE[9])["value"] == [1000000000, 1, 0, 2]  # the nanoseconds as a fourth part
    assert encode(dt.timedelta(seconds=1))["value"] == [0, 1, 0]  # plain ones as before
    later = decode(json.loads(json.dumps(encode(WIDE[11]))))
    assert later.fold == 1 and later.utcoffset() == dt.timedelta(hours=1)
    assert type(decode({"__feel__": "days and time duration", "value": [0, 0, 5, 0]})) is dt.timedelta
    with pytest.raises(ValueError, match="malformed 'days and time duration'"):
        decode({"__feel__": "days and time duration", "value": [0, 0, 0, 0.5]})
    with pytest.raises(ValueError, match="malformed 'date and time'"):
        decode({"__feel__": "date and time", "value": "2024-13-01T00:00:00"})


@given(st.recursive(st.none() | st.booleans() | st.text() | st.integers() | st.decimals(allow_nan=False,
                                                                                        allow_infinity=False),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                    max_leaves=20))
def test_round_trip_of_json_like_values(value):
    assert same(decode(json.loads(json.dumps(encode(value)))), value)


def test_values_that_cannot_travel_are_named():
    with pytest.raises(TypeError, match="set"):
        encode({"a": {1, 2}})
    with pytest.raises(TypeError, match="string"):
        encode({1: "x"})
    with pytest.raises(ValueError, match="unknown FEEL value kind"):
        decode({"__feel__": "pickle", "value": "x"})
    with pytest.raises(ValueError, match="malformed 'date'"):
        decode({"__feel__": "date", "value": "yesterday"})
