"""Conversion functions: date, time, date and time, number, string, duration, years and months
duration, context, range, to json / from json."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from .. import temporal
from ..operators import compare
from ..values import DECIMAL, FeelFailure, Range, YearsMonthsDuration
from ..codec import feel_string, from_json_text, json_text
from ..nanos import time_with
from ..wide import make_date, make_datetime, nanos_of
from ...patterns import lazy
from ._core import (as_list, builtin, check_string, context, failure, integer, is_date,
                    is_datetime, is_time, num, text, whole)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

# --------------------------------------------------------------------------- date and time


@builtin("date", "from")
def _date_from(value: Any) -> date:
    if type(value) is str:
        return temporal.parse_date(value)
    if is_datetime(value):
        return value.date()
    if is_date(value):
        return value
    raise failure("date(from) expects a string or a date and time")


@builtin("date", "year, month, day")
def _date_ymd(year: Any, month: Any, day: Any) -> date:
    try:
        return make_date(integer(year, "year"), integer(month, "month"), integer(day, "day"))
    except (ValueError, OverflowError):
        raise failure("date(year, month, day): not a valid calendar date") from None


@builtin("date and time", "from")
def _datetime_from(value: Any) -> datetime:
    if type(value) is str:
        return temporal.parse_datetime(value)
    if is_datetime(value):
        return value
    if is_date(value):
        return make_datetime(value.year, value.month, value.day)
    raise failure("date and time(from) expects a string")


@builtin("date and time", "date, time")
def _datetime_combine(d: Any, t: Any) -> datetime:
    if type(t) is str and is_datetime(d):  # Camunda: date and time(date-time, zone id)
        return _with_zone(d, t)
    if not (is_date(d) or is_datetime(d)) or not is_time(t) or is_datetime(t):
        raise failure("date and time(date, time) expects a date and a time")
    return make_datetime(d.year, d.month, d.day, t.hour, t.minute, t.second, t.microsecond, t.tzinfo,
                         nanos_of(t))


@builtin("date and time", "date, timezone")
def _datetime_zone(d: Any, zone: Any) -> datetime:
    if not is_datetime(d):
        raise failure("date and time(date, timezone) expects a date and time and a zone id")
    return _with_zone(d, text(zone, "zone id"))


def _with_zone(d: datetime, name: str) -> datetime:
    tz = temporal.zone(name)
    if d.tzinfo is None:
        return d.replace(tzinfo=tz)
    return d.astimezone(tz)


@builtin("time", "from")
def _time_from(value: Any) -> time:
    if type(value) is str:
        return temporal.parse_time(value)
    if is_datetime(value):
        return value.timetz()
    if is_date(value):
        return time(0, 0, tzinfo=timezone.utc)
    if is_time(value):
        return value
    raise failure("time(from) expects a string, a date or a date and time")


@builtin("time", "hour, minute, second, offset?")
def _time_parts(hour: Any, minute: Any, second: Any, offset: Any = None) -> time:
    h, m = integer(hour, "hour"), integer(minute, "minute")
    s = num(second, "second")
    seconds = whole(s, "second")
    micro, nanos = divmod(int(((s - seconds) * 1_000_000_000).to_integral_value()), 1000)
    tz = None
    if offset is not None:
        if not isinstance(offset, timedelta):
            raise failure("offset must be a days and time duration")
        if abs(offset) >= timedelta(hours=18, seconds=1):
            raise failure("offset out of range")
        tz = timezone.utc if offset == timedelta(0) else timezone(offset)
    try:
        return time_with(time(h, m, seconds, micro, tzinfo=tz), nanos)
    except ValueError:
        raise failure("not a valid time of day") from None


# --------------------------------------------------------------------------- durations


@builtin("duration", "from")
def _duration(value: Any) -> Any:
    return temporal.parse_duration(text(value))


def _ymd(value: Any) -> tuple[int, int, int]:
    if is_datetime(value) or is_date(value):
        return value.year, value.month, value.day
    raise failure("years and months duration expects dates or dates and times")


@builtin("years and months duration", "from, to")
def _years_months(start: Any, end: Any) -> YearsMonthsDuration:
    (y1, m1, d1), (y2, m2, d2) = _ymd(start), _ymd(end)
    total = (y2 * 12 + m2) - (y1 * 12 + m1)
    days = d2 - d1
    if total > 0 and days < 0:
        total -= 1
    elif total < 0 and days > 0:
        total += 1
    return YearsMonthsDuration(total)


# --------------------------------------------------------------------------- number and string

_NUMBER_RE = lazy(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")


def _parse_number(s: str) -> Decimal:
    s = s.strip()
    if not _NUMBER_RE.match(s):
        raise failure("not a number")
    return DECIMAL.create_decimal(s)


@builtin("number", "from, grouping separator?, decimal separator?")
def _number(value: Any, grouping: Any = None, decimal_sep: Any = None) -> Decimal:
    s = text(value)
    if grouping is not None and grouping not in (" ", ",", "."):
        raise failure("the grouping separator must be a space, a comma or a dot")
    if decimal_sep is not None and decimal_sep not in (",", "."):
        raise failure("the decimal separator must be a comma or a dot")
    if grouping is not None and grouping == decimal_sep:
        raise failure("the grouping and decimal separators must differ")
    if grouping is not None:
        s = s.replace(grouping, "")
    if decimal_sep is not None and decimal_sep != ".":
        if "." in s:
            raise failure("unexpected '.'")
        s = s.replace(decimal_sep, ".")
    return _parse_number(s)


@builtin("string", "from")
def _string(value: Any) -> Any:
    if value is None:
        return None
    return check_string(feel_string(value))


# --------------------------------------------------------------------------- contexts and JSON


@builtin("context", "entries")
def _context(entries: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for entry in as_list(entries):
        if not isinstance(entry, dict) or "key" not in entry or "value" not in entry:
            raise failure("each entry must be a context with 'key' and 'value'")
        key = entry["key"]
        if type(key) is not str:
            raise failure("entry keys must be strings")
        out[key] = entry["value"]  # a repeated key keeps its last value (feel-scala)
    return out


@builtin("to json", "value")
def _to_json(value: Any) -> str:
    return check_string(json_text(value))


@builtin("from json", "json")
def _from_json(value: Any) -> Any:
    try:
        return from_json_text(text(value))
    except (ValueError, RecursionError):
        raise failure("invalid JSON") from None


# --------------------------------------------------------------------------- range(from)

_ENDPOINT_RE = lazy(
    r"""\s*(?:(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))
        |"(?P<str>(?:[^"\\]|\\.)*)"
        |@"(?P<lit>[^"]*)"
        |(?P<fn>date\ and\ time|date|time|duration)\s*\(\s*"(?P<arg>[^"]*)"\s*\)
        )\s*""", re.X)


def _endpoint(src: str) -> Any:
    m = _ENDPOINT_RE.fullmatch(src)
    if not m:
        raise failure("endpoints must be literal values")
    if m.group("num") is not None:
        return _parse_number(m.group("num"))
    if m.group("str") is not None:
        return re.sub(r"\\(.)", r"\1", m.group("str"))
    if m.group("lit") is not None:
        return temporal.parse_literal(m.group("lit"))
    fn, arg = m.group("fn"), m.group("arg")
    if fn == "date":
        return temporal.parse_date(arg)
    if fn == "time":
        return temporal.parse_time(arg)
    if fn == "duration":
        return temporal.parse_duration(arg)
    return temporal.parse_datetime(arg)


@builtin("range", "from")
def _range(value: Any) -> Range:
    s = text(value).strip()
    m = re.fullmatch(r"([\[(\]])(.*?)\.\.(.*)([\])\[])", s, re.S)
    if not m:
        raise failure("expected a range like [1..10]")
    start, end = _endpoint(m.group(2)), _endpoint(m.group(3))
    try:
        if compare(start, end) > 0:
            raise failure("the start lies after the end")
    except FeelFailure:
        raise failure("the endpoints must be of one ordered type") from None
    return Range(start, end, m.group(1) == "[", m.group(4) == "]")
