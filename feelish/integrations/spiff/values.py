"""FEEL values in Spiff task data: registry conversions that round-trip them without loss."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from feelish import Range, YearsMonthsDuration
from feelish.language.nanos import WideDuration, WideTime, duration_nanos, fraction, make_duration
from feelish.language.temporal import parse_date, parse_datetime, parse_time
from feelish.language.wide import WideDate, WideDateTime

#: typenames written into serialised task data (prefixed: they share the registry with Spiff's own);
#: a wide value (a year beyond 1..9999, nanoseconds, a duration past `timedelta`) shares its plain
#: counterpart's, as it is the same FEEL type
TYPENAMES = {
    Decimal: "feel:number", dt.date: "feel:date", dt.time: "feel:time", dt.datetime: "feel:date-time",
    dt.timedelta: "feel:days-time-duration", YearsMonthsDuration: "feel:years-months-duration",
    Range: "feel:range", WideDate: "feel:date", WideTime: "feel:time",
    WideDateTime: "feel:date-time", WideDuration: "feel:days-time-duration",
}


def _zone(value: Any) -> dict[str, Any]:
    """The tzinfo of a time or date-time: a zone id, a fixed offset (seconds), or none (local)."""
    tz = value.tzinfo
    if tz is None:
        return {}
    if isinstance(tz, ZoneInfo):
        return {"zone": tz.key}
    held = getattr(value, "inner", value)  # a wide one holds a plain one with the same zone
    offset = tz.utcoffset(held if isinstance(held, dt.datetime) else None)
    if offset is None:
        return {}
    return {"offset": offset.days * 86400 + offset.seconds}


def _tzinfo(dct: Mapping[str, Any]) -> dt.tzinfo | None:
    if "zone" in dct:
        return ZoneInfo(dct["zone"])
    if "offset" in dct:
        seconds = int(dct["offset"])
        return dt.timezone.utc if seconds == 0 else dt.timezone(dt.timedelta(seconds=seconds))
    return None


def _clock_to_dict(value: Any) -> dict[str, Any]:
    """A time or date-time: its wall clock as ISO text (FEEL's year, nine digits with
    nanoseconds), its zone beside it and the fold when it is set."""
    out = {"value": value.replace(tzinfo=None).isoformat(), **_zone(value)}
    if value.fold:
        out["fold"] = 1
    return out


def _time_from_dict(dct: Mapping[str, Any]) -> Any:
    return parse_time(dct["value"]).replace(tzinfo=_tzinfo(dct), fold=int(dct.get("fold", 0)))


def _datetime_from_dict(dct: Mapping[str, Any]) -> Any:
    naive = parse_datetime(dct["value"], allow_date=False)
    return naive.replace(tzinfo=_tzinfo(dct), fold=int(dct.get("fold", 0)))


def _duration_to_dict(value: Any) -> dict[str, Any]:
    out = {"days": value.days, "seconds": value.seconds, "microseconds": value.microseconds}
    nanos = duration_nanos(value) % 1000
    if nanos:
        out["nanoseconds"] = nanos
    return out


def _duration_from_dict(dct: Mapping[str, Any]) -> Any:
    seconds = int(dct["days"]) * 86400 + int(dct["seconds"])
    micros = seconds * 1_000_000 + int(dct.get("microseconds", 0))
    return make_duration(micros * 1000 + int(dct.get("nanoseconds", 0)))


def register_feel_values(registry) -> Any:
    """Register the FEEL value conversions on a Spiff `DictionaryConverter`; returns it.

    Spiff's own datetime and timedelta conversions are replaced: they drop zone ids and
    microseconds. Dates and times are read back with FEEL's own parsers, so the wide values
    (`feelish.language.wide`) come back as they went."""
    def bound(value):  # a range bound is itself a FEEL value (a number, a date, ...)
        return registry.convert(value)

    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]),
                      typename=TYPENAMES[Decimal])
    for kinds, to_dict, from_dict in (
            ((dt.date, WideDate), lambda v: {"value": v.isoformat()}, lambda d: parse_date(d["value"])),
            ((dt.time, WideTime), _clock_to_dict, _time_from_dict),
            ((dt.datetime, WideDateTime), _clock_to_dict, _datetime_from_dict),
            ((dt.timedelta, WideDuration), _duration_to_dict, _duration_from_dict)):
        for kind in kinds:  # the plain and the wide class share the conversions and the typename
            registry.register(kind, to_dict, from_dict, typename=TYPENAMES[kind])
    registry.register(YearsMonthsDuration, lambda v: {"months": v.months},
                      lambda d: YearsMonthsDuration(int(d["months"])),
                      typename=TYPENAMES[YearsMonthsDuration])
    registry.register(Range,
                      lambda v: {"start": bound(v.start), "end": bound(v.end),
                                 "start_included": v.start_included, "end_included": v.end_included},
                      lambda d: Range(registry.restore(d["start"]), registry.restore(d["end"]),
                                      bool(d["start_included"]), bool(d["end_included"])),
                      typename=TYPENAMES[Range])
    return registry


class NotStorable(ValueError):
    """A value that task data cannot hold (a FEEL function, a host object)."""


def storable(value: Any, name: str) -> Any:
    """`value` if Spiff can store and serialise it (registered FEEL types, JSON data), else
    NotStorable naming where the offending value sits (`result.items[2]`)."""
    if value is None or isinstance(value, (str, bool, int, float)) or type(value) in TYPENAMES:
        return value
    if isinstance(value, Mapping):
        for key, item in value.items():
            storable(item, f"{name}.{key}")
        return value
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value, 1):
            storable(item, f"{name}[{index}]")
        return value
    kind = "a function" if callable(value) or type(value).__name__.endswith("Function") else \
        f"a {type(value).__name__}"
    raise NotStorable(f"{name} is {kind}, which task data cannot hold")


def iso_text(value: Any) -> Any:
    """A FEEL temporal value as the ISO 8601 text Spiff's timers parse (other values unchanged);
    ValueError for what a timer cannot wait for (a year beyond 1..9999, a negative duration)."""
    if isinstance(value, (dt.date, WideDate, WideDateTime)):
        if not 1 <= value.year <= 9999:
            raise ValueError(f"a timer date must lie in the years 1..9999, not {value.year}")
        return value.isoformat()
    if isinstance(value, YearsMonthsDuration):
        return str(value)
    if isinstance(value, (dt.timedelta, WideDuration)):
        if value < dt.timedelta(0):
            raise ValueError("a timer duration must not be negative")
        hours, rest = divmod(value.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        part = fraction(value.microseconds, duration_nanos(value) % 1000)
        return f"P{value.days}DT{hours}H{minutes}M{seconds}{part}S"
    return value
