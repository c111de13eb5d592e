"""Typed JSON (see shared/conformance/README.md): decoding to FEEL values and comparing results.

Shared by the DMN TCK runner and the spec-table runner (tests/spec/test_spec.py).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from feelish.language import temporal
from feelish.language.values import Range, YearsMonthsDuration
from feelish.language.nanos import WideDuration, WideTime
from feelish.language.wide import WideDate, WideDateTime

_SCALARS = {"@number", "@date", "@time", "@datetime", "@duration", "@ymduration"}
TOLERANCE = Decimal("1e-8")


class Undecodable(Exception):
    """A typed value that feelish's value model cannot represent (e.g. a year before 1)."""


def decode(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (key, text), = value.items()
            if key in _SCALARS:
                return _scalar(key, text)
            if key == "@range":  # spec tables only: {"@range": [start, end, "[]"]}
                start, end, brackets = text
                return Range(decode(start), decode(end), brackets[0] == "[", brackets[1] == "]")
        return {(k[1:] if k.startswith("@@") else k): decode(v) for k, v in value.items()}
    raise Undecodable(f"not a typed JSON value: {value!r}")


def _scalar(key: str, text: str) -> Any:
    if key == "@number":
        return Decimal(text)
    try:
        if key == "@date":
            return temporal.parse_date(text)
        if key == "@time":
            return temporal.parse_time(text)
        if key == "@datetime":
            return temporal.parse_datetime(text, allow_date=False)
        value = temporal.parse_duration(text)
    except Exception as exc:  # noqa: BLE001 - reported as an undecodable case
        raise Undecodable(f"{key} {text!r}: {exc}") from None
    if key == "@ymduration" and type(value) is not YearsMonthsDuration:
        raise Undecodable(f"{text!r} is not a years-and-months duration")
    if key == "@duration" and type(value) not in (dt.timedelta, WideDuration):
        raise Undecodable(f"{text!r} is not a days-and-time duration")
    return value


def _zone_key(tz: Any, moment: dt.datetime | None) -> Any:
    if tz is None:
        return None
    key = getattr(tz, "key", None)
    if key is not None:
        return ("zone", key)
    return ("offset", tz.utcoffset(moment))


def same(got: Any, expected: Any) -> bool:
    """The TCK's comparison rules (numbers within 1e-8, durations by amount, zones by name)."""
    if expected is None:
        return got is None
    te = type(expected)
    if te is bool:
        return type(got) is bool and got == expected
    if te is str:
        return isinstance(got, str) and got == expected  # a SecretStr is a string
    if te is Decimal:
        if type(got) is bool or not isinstance(got, (int, float, Decimal)):
            return False
        try:
            return abs(Decimal(str(got)) - expected) < TOLERANCE
        except Exception:  # noqa: BLE001 - NaN and friends never match
            return False
    if te is WideDate:
        return type(got) is WideDate and got == expected
    if te is WideDateTime:
        return (type(got) is WideDateTime and got.replace(tzinfo=None) == expected.replace(tzinfo=None)
                and _zone_key(got.tzinfo, got.inner) == _zone_key(expected.tzinfo, expected.inner))
    if te is dt.date:
        return type(got) is dt.date and got == expected
    if te is dt.datetime:
        return (type(got) is dt.datetime and got.replace(tzinfo=None) == expected.replace(tzinfo=None)
                and _zone_key(got.tzinfo, got) == _zone_key(expected.tzinfo, expected))
    if te is dt.time:
        return (type(got) is dt.time and got.replace(tzinfo=None) == expected.replace(tzinfo=None)
                and _zone_key(got.tzinfo, None) == _zone_key(expected.tzinfo, None))
    if te is WideTime:
        return (type(got) is WideTime and got.replace(tzinfo=None) == expected.replace(tzinfo=None)
                and _zone_key(got.tzinfo, None) == _zone_key(expected.tzinfo, None))
    if te is dt.timedelta or te is WideDuration:
        return type(got) in (dt.timedelta, WideDuration) and got == expected
    if te is YearsMonthsDuration:
        return type(got) is YearsMonthsDuration and got.months == expected.months
    if te is Range:
        return (type(got) is Range and got.start_included == expected.start_included
                and got.end_included == expected.end_included
                and same(got.start, expected.start) and same(got.end, expected.end))
    if te is list:
        return (isinstance(got, (list, tuple)) and len(got) == len(expected)
                and all(same(g, e) for g, e in zip(got, expected)))
    if te is dict:
        return (isinstance(got, dict) and set(got) == set(expected)
                and all(same(got[k], v) for k, v in expected.items()))
    return got == expected


def show(value: Any) -> str:
    """A short rendering for failure reports."""
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."
