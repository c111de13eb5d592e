"""Properties of temporal values, durations and ranges (`x.year`, `d.hours`, `r.start included`)
and the `instance of` type test."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from . import temporal
from ..errors import WarningKind
from .nanos import WideDuration, WideTime, duration_nanos
from .wide import WideDate, WideDateTime
from .values import FeelFunction, FeelFailure, Range, YearsMonthsDuration, is_number, type_name

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def _no_property(value: Any, name: str) -> FeelFailure:
    return FeelFailure(WarningKind.NO_PROPERTY_FOUND,
                       f"no property '{name}' on a value of type {type_name(value)}")


def _offset(value: Any) -> Any:
    if isinstance(value, datetime) or type(value) is WideDateTime:
        return value.utcoffset() if value.tzinfo is not None else None
    return temporal.time_offset(value)


def _zone_name(value: Any) -> Any:
    tz = value.tzinfo
    if temporal.is_named_zone(tz):
        return tz.key
    return None


def _seconds_of(value: Any) -> Decimal:
    return Decimal(value.second)


_DATE_PROPS = {
    "year": lambda v: Decimal(v.year),
    "month": lambda v: Decimal(v.month),
    "day": lambda v: Decimal(v.day),
    "weekday": lambda v: Decimal(v.isoweekday()),
}
_CLOCK_PROPS = {
    "hour": lambda v: Decimal(v.hour),
    "minute": lambda v: Decimal(v.minute),
    "second": _seconds_of,
    "time offset": _offset,
    "offset": _offset,
    "timezone": _zone_name,
}
_DATETIME_PROPS = {**_DATE_PROPS, **_CLOCK_PROPS,
                   "time": lambda v: v.timetz() if v.tzinfo is not None else v.time(),
                   "date": lambda v: v.date()}


def _td_parts(td: Any) -> tuple[int, int, int, int, int]:
    nanos = duration_nanos(td)
    sign = -1 if nanos < 0 else 1
    seconds = abs(nanos) // 1_000_000_000
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return sign, days, hours, minutes, secs


_TD_PROPS = {
    "days": lambda td: (lambda p: Decimal(p[0] * p[1]))(_td_parts(td)),
    "hours": lambda td: (lambda p: Decimal(p[0] * p[2]))(_td_parts(td)),
    "minutes": lambda td: (lambda p: Decimal(p[0] * p[3]))(_td_parts(td)),
    "seconds": lambda td: (lambda p: Decimal(p[0] * p[4]))(_td_parts(td)),
}
_YMD_PROPS = {
    "years": lambda d: Decimal(d.years_part),
    "months": lambda d: Decimal(d.months_part),
}
_RANGE_PROPS = {
    "start": lambda r: r.start,
    "end": lambda r: r.end,
    "start included": lambda r: r.start_included,
    "end included": lambda r: r.end_included,
}

#: the value types outside Python's temporal classes, with their property tables (the wide and
#: nanosecond values have the properties of their plain counterparts)
_OTHER_TABLES = {YearsMonthsDuration: _YMD_PROPS, Range: _RANGE_PROPS,
                 WideDateTime: _DATETIME_PROPS, WideDate: _DATE_PROPS, WideTime: _CLOCK_PROPS,
                 WideDuration: _TD_PROPS}


def get_property(value: Any, name: str) -> Any:
    """The property `name` of a temporal value, duration, range (or context entry)."""
    if value is None:
        return None
    t = type(value)
    if t is datetime or isinstance(value, datetime):
        table = _DATETIME_PROPS
    elif t is date or isinstance(value, date):
        table = _DATE_PROPS
    elif isinstance(value, time):
        table = _CLOCK_PROPS
    elif isinstance(value, timedelta):
        table = _TD_PROPS
    elif t in _OTHER_TABLES:
        table = _OTHER_TABLES[t]
    elif isinstance(value, dict):
        if name in value:
            return value[name]
        raise FeelFailure(WarningKind.NO_CONTEXT_ENTRY_FOUND, f"no context entry '{name}'")
    else:
        raise _no_property(value, name)
    getter = table.get(name)
    if getter is None:
        raise _no_property(value, name)
    return getter(value)


# --------------------------------------------------------------------------- instance of

_ALIASES = {
    "date and time": "date and time", "dateTime": "date and time", "datetime": "date and time",
    "days and time duration": "days and time duration", "dayTimeDuration": "days and time duration",
    "years and months duration": "years and months duration",
    "yearMonthDuration": "years and months duration",
}


def type_matches(value: Any, typeref: Any) -> bool:
    """`value instance of typeref` (a `feelish.ast.TypeRef`; a plain string name also works)."""
    name = typeref if isinstance(typeref, str) else typeref.name
    params = () if isinstance(typeref, str) else tuple(typeref.params or ())
    fields = () if isinstance(typeref, str) else tuple(typeref.fields or ())
    name = _ALIASES.get(name, name)
    if name == "Any":
        return value is not None
    if name == "Null" or name == "null":
        return value is None
    if value is None:
        return False
    actual = type_name(value)
    if name == "list":
        if actual != "list":
            return False
        return not params or all(v is None or type_matches(v, params[0]) for v in value)
    if name == "context":
        if actual != "context":
            return False
        return all(k in value and (value[k] is None or type_matches(value[k], ft))
                   for k, ft in fields)
    if name == "range":
        if actual != "range":
            return False
        if not params:
            return True
        return all(b is None or type_matches(b, params[0]) for b in (value.start, value.end))
    if name == "function":
        return isinstance(value, FeelFunction) or actual == "function"
    if name == "number":
        return is_number(value)
    if name == "time" and actual == "time":
        return True
    return actual == name
