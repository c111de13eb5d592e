"""FEEL values <-> JSON-safe data, so variables and outputs cross a Celery broker unchanged:
numbers stay `Decimal`, dates, times and date-times keep their zone, both duration kinds and
ranges round-trip, the wide ones too (years beyond 1..9999, nanoseconds).  A value that is not
plain JSON becomes `{"__feel__": kind, "value": ...}`; a context that itself has a `__feel__`
key is wrapped the same way, so nothing is misread.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import feelish
from feelish.language.nanos import WideDuration, WideTime, duration_nanos, make_duration
from feelish.language.temporal import parse_date, parse_datetime, parse_time
from feelish.language.values import FeelFailure
from feelish.language.wide import WideDate, WideDateTime

TAG = "__feel__"
_DATE_TIMES = (dt.datetime, WideDateTime)
_DATES = (dt.date, WideDate)
_TIMES = (dt.time, WideTime)
_DURATIONS = (dt.timedelta, WideDuration)


def _zone(value: Any) -> dict:
    tz = getattr(value, "tzinfo", None)
    return {"zone": tz.key} if isinstance(tz, ZoneInfo) else {}


def _clock(value: Any) -> str:
    """ISO text (FEEL's year, nine digits with nanoseconds); with a ZoneInfo zone the wall clock
    only (the zone travels beside it)."""
    if isinstance(value.tzinfo, ZoneInfo):
        return value.replace(tzinfo=None).isoformat()
    return value.isoformat()


def encode(value: Any) -> Any:
    """A FEEL value as JSON-safe data (raises TypeError naming what cannot be sent)."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, Decimal):
        return {TAG: "number", "value": str(value)}
    if isinstance(value, _DATE_TIMES):
        return {TAG: "date and time", "value": _clock(value), **_zone(value), "fold": value.fold}
    if isinstance(value, _DATES):
        return {TAG: "date", "value": value.isoformat()}
    if isinstance(value, _TIMES):
        return {TAG: "time", "value": _clock(value), **_zone(value), "fold": value.fold}
    if isinstance(value, _DURATIONS):
        nanos = duration_nanos(value) % 1000  # a fourth part only when there are any
        return {TAG: "days and time duration",
                "value": [value.days, value.seconds, value.microseconds] + ([nanos] if nanos else [])}
    if isinstance(value, feelish.YearsMonthsDuration):
        return {TAG: "years and months duration", "value": value.months}
    if isinstance(value, feelish.Range):
        return {TAG: "range", "value": [encode(value.start), encode(value.end),
                                        value.start_included, value.end_included]}
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"a context key must be a string to be sent, not {type(key).__name__}")
            out[key] = encode(item)
        return {TAG: "context", "value": out} if TAG in out else out
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    raise TypeError(f"a value of type {type(value).__name__} cannot be sent as a FEEL value")


def _temporal(kind: str, data: Mapping) -> Any:
    """Read with FEEL's parsers: plain values come back plain, wide ones wide."""
    text = data["value"]
    if not isinstance(text, str):
        raise TypeError(text)
    if kind == "date":
        return parse_date(text)
    value = parse_datetime(text, allow_date=False) if kind == "date and time" else parse_time(text)
    if "zone" in data:
        value = value.replace(tzinfo=ZoneInfo(data["zone"]))
    return value.replace(fold=int(data.get("fold", 0)))


def _duration(parts: list) -> Any:
    """[days, seconds, microseconds] and, when not 0, the nanoseconds below the microsecond."""
    if not 3 <= len(parts) <= 4 or not all(type(p) is int for p in parts):
        raise TypeError(parts)
    days, seconds, micros, *nanos = parts
    return make_duration(((days * 86400 + seconds) * 1_000_000 + micros) * 1000 + sum(nanos))


def decode(data: Any) -> Any:
    """The inverse of `encode` (raises ValueError for a malformed tagged value)."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, Mapping):
        return data
    kind = data.get(TAG)
    if kind is None:
        return {key: decode(item) for key, item in data.items()}
    try:
        value = data["value"]
        if kind == "number":
            return Decimal(value)
        if kind in ("date", "time", "date and time"):
            return _temporal(kind, data)
        if kind == "days and time duration":
            return _duration(value)
        if kind == "years and months duration":
            return feelish.YearsMonthsDuration(int(value))
        if kind == "range":
            return feelish.Range(decode(value[0]), decode(value[1]), bool(value[2]), bool(value[3]))
        if kind == "context":
            return {key: decode(item) for key, item in value.items()}
    except (KeyError, TypeError, ValueError, IndexError, ArithmeticError, FeelFailure) as exc:
        raise ValueError(f"malformed {kind!r} value: {exc.__class__.__name__}") from None
    raise ValueError(f"unknown FEEL value kind {kind!r}")
