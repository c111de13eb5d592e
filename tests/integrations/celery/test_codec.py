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
    if isinstance(a, (dt.datetime, dt.time)):
        return a.replace(tzinfo=None) == b.replace(tzinfo=None) and a.fold == b.fold and \
            str(a.tzinfo) == str(b.tzinfo)
    return a == b and str(a) == str(b)


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_round_trip(value):
    assert same(decode(json.loads(json.dumps(encode(value)))), value)


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
