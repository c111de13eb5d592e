"""FEEL values -> JSON for the cluster: numbers as int or float, temporal values and durations as
their ISO text, anything else that JSON cannot carry as its FEEL text."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any


def iso_duration(delta: timedelta) -> str:
    """A days-time duration as FEEL writes it: `P1DT2H3M4.5S`, `-PT1S`, `PT0S`."""
    sign = "-" if delta < timedelta(0) else ""
    delta = abs(delta)
    days, rest = delta.days, delta.seconds
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{days}D" if days else ""
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or delta.microseconds:
        fraction = f".{delta.microseconds:06d}".rstrip("0") if delta.microseconds else ""
        clock += f"{seconds}{fraction}S"
    if not clock and not text:
        clock = "0S"
    return f"{sign}P{text}" + (f"T{clock}" if clock else "")


def jsonable(value: Any) -> Any:
    """A copy of `value` that `json.dumps` can write."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2 ** 63 \
            else float(value)
    if isinstance(value, float):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return iso_duration(value)
    return str(value)
