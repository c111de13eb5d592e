"""FEEL values -> JSON for the cluster: numbers as int or float, temporal values and durations as
their ISO text (the wide ones too: years beyond 1..9999, nanoseconds, durations past `timedelta`),
anything else that JSON cannot carry as its FEEL text."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from feelish.language.nanos import WideDuration, days_time_text, duration_nanos
from feelish.language.wide import WIDE_TYPES

#: values written as their Python ISO text (`isoformat`): dates, times and date-times, plain or wide
_ISO_TEXT = (date, time, *(kind for kind in WIDE_TYPES if kind is not WideDuration))


def iso_duration(delta: Any) -> str:
    """A days-time duration (`timedelta` or `WideDuration`) as FEEL writes it: `P1DT2H3M4.5S`,
    `-PT1S`, `PT0S`, `PT0.000000001S`."""
    return days_time_text(duration_nanos(delta))


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
    if isinstance(value, _ISO_TEXT):
        return value.isoformat()
    if isinstance(value, (timedelta, WideDuration)):
        return iso_duration(value)
    return str(value)
