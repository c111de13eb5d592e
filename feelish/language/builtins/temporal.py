"""Temporal functions: now, today, day of year/week, month of year, week of year, last day of month."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from .. import temporal as _t
from ._core import builtin, failure, is_date, is_datetime

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _day(value: Any) -> date:
    if is_datetime(value):
        return value.date()
    if is_date(value):
        return value
    raise failure("expects a date or a date and time")


@builtin("now", "", ctx=True)
def _now(ctx: Any) -> datetime:
    return _t.now(ctx)


@builtin("today", "", ctx=True)
def _today(ctx: Any) -> date:
    return _t.now(ctx).date()


@builtin("day of year", "date")
def _day_of_year(value: Any) -> Decimal:
    return Decimal(_day(value).timetuple().tm_yday)


@builtin("day of week", "date")
def _day_of_week(value: Any) -> str:
    return _DAYS[_day(value).weekday()]


@builtin("month of year", "date")
def _month_of_year(value: Any) -> str:
    return _MONTHS[_day(value).month - 1]


@builtin("week of year", "date")
def _week_of_year(value: Any) -> Decimal:
    return Decimal(_day(value).isocalendar()[1])


@builtin("last day of month", "date")
def _last_day_of_month(value: Any) -> date:
    d = _day(value)
    return d.replace(day=_t.last_day(d.year, d.month))
