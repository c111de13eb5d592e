"""FEEL values in Spiff task data: registry conversions that round-trip them without loss."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from feelish import Range, YearsMonthsDuration

#: typenames written into serialised task data (prefixed: they share the registry with Spiff's own)
TYPENAMES = {
    Decimal: "feel:number", dt.date: "feel:date", dt.time: "feel:time", dt.datetime: "feel:date-time",
    dt.timedelta: "feel:days-time-duration", YearsMonthsDuration: "feel:years-months-duration",
    Range: "feel:range",
}


def _zone(value: dt.date | dt.time) -> dict[str, Any]:
    """The tzinfo of a time or date-time: a zone id, a fixed offset (seconds), or none (local)."""
    tz = value.tzinfo
    if tz is None:
        return {}
    if isinstance(tz, ZoneInfo):
        return {"zone": tz.key}
    moment = value if isinstance(value, dt.datetime) else None
    offset = tz.utcoffset(moment)
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


def _time_to_dict(value: dt.time) -> dict[str, Any]:
    return {"value": value.replace(tzinfo=None).isoformat(), **_zone(value)}


def _time_from_dict(dct: Mapping[str, Any]) -> dt.time:
    return dt.time.fromisoformat(dct["value"]).replace(tzinfo=_tzinfo(dct))


def _datetime_to_dict(value: dt.datetime) -> dict[str, Any]:
    out = {"value": value.replace(tzinfo=None).isoformat(), **_zone(value)}
    if value.fold:
        out["fold"] = 1
    return out


def _datetime_from_dict(dct: Mapping[str, Any]) -> dt.datetime:
    naive = dt.datetime.fromisoformat(dct["value"])
    return naive.replace(tzinfo=_tzinfo(dct), fold=int(dct.get("fold", 0)))


def register_feel_values(registry) -> Any:
    """Register the FEEL value conversions on a Spiff `DictionaryConverter`; returns it.

    Spiff's own datetime and timedelta conversions are replaced: they drop zone ids and
    microseconds."""
    def bound(value):  # a range bound is itself a FEEL value (a number, a date, ...)
        return registry.convert(value)

    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]),
                      typename=TYPENAMES[Decimal])
    registry.register(dt.date, lambda v: {"value": v.isoformat()},
                      lambda d: dt.date.fromisoformat(d["value"]), typename=TYPENAMES[dt.date])
    registry.register(dt.time, _time_to_dict, _time_from_dict, typename=TYPENAMES[dt.time])
    registry.register(dt.datetime, _datetime_to_dict, _datetime_from_dict,
                      typename=TYPENAMES[dt.datetime])
    registry.register(dt.timedelta,
                      lambda v: {"days": v.days, "seconds": v.seconds, "microseconds": v.microseconds},
                      lambda d: dt.timedelta(days=d["days"], seconds=d["seconds"],
                                             microseconds=d.get("microseconds", 0)),
                      typename=TYPENAMES[dt.timedelta])
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
    """A FEEL temporal value as the ISO 8601 text Spiff's timers parse (other values unchanged)."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, YearsMonthsDuration):
        return str(value)
    if isinstance(value, dt.timedelta):
        if value < dt.timedelta(0):
            raise ValueError("a timer duration must not be negative")
        hours, rest = divmod(value.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        fraction = f"{seconds}.{value.microseconds:06d}".rstrip("0").rstrip(".")
        return f"P{value.days}DT{hours}H{minutes}M{fraction}S"
    return value
