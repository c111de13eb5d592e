"""Temporal values: parsing of FEEL's lexical forms, formatting, zones and calendar arithmetic, on
the representation the value model fixes (`date`/`datetime`, or `wide.py`'s values for years
outside 1..9999)."""
from __future__ import annotations

import re
import sys
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from functools import lru_cache

from ..errors import WarningKind
from ..patterns import lazy
from .values import FeelFailure, YearsMonthsDuration
from .nanos import (WideDuration, WideTime, days_time_text, duration_nanos, fraction,
                    make_duration, time_with)
from .wide import (WideDate, WideDateTime, datetime_from_instant_nanos, datetime_from_local_nanos,
                   instant_nanos, local_nanos, make_date, make_datetime, nanos_of)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

UTC = timezone.utc

_DATE = r"(?P<y>-?(?:[1-9]\d{4,8}|\d{4}))-(?P<mo>\d\d)-(?P<d>\d\d)"
_TIME = r"(?P<h>\d\d):(?P<mi>\d\d)(?::(?P<s>\d\d)(?:\.(?P<f>\d{1,9}))?)?"
_ZONE = (r"(?:(?P<z>Z|[+-]\d\d:\d\d(?::\d\d)?)(?:\[(?P<zb>[A-Za-z0-9_+\-/]+)\])?"
         r"|@(?P<za>[A-Za-z0-9_+\-/]+))?")
_DATE_RE = lazy(_DATE + r"\Z")
_TIME_RE = lazy("T?" + _TIME + _ZONE + r"\Z")  # a leading `T` is accepted (Camunda)
_DATETIME_RE = lazy(_DATE + "T" + _TIME + _ZONE + r"\Z")
_DURATION_RE = lazy(
    r"(?P<sign>-)?P(?!\Z)(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<H>\d+)H)?(?:(?P<MI>\d+)M)?(?:(?P<S>\d+(?:\.\d{0,9})?)S)?)?\Z")


def _invalid(what: str, text: str) -> FeelFailure:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return FeelFailure(WarningKind.FUNCTION_INVOCATION_FAILURE, f"invalid {what}: {shown!r}")


@lru_cache(maxsize=512)
def zone(name: str) -> tzinfo:
    """The tzinfo for a zone id (`Europe/Berlin`, `UTC`, `Z`, `+01:00`); FeelFailure if unknown."""
    if name == "Z":
        return UTC
    m = re.fullmatch(r"([+-])(\d\d):(\d\d)(?::(\d\d))?", name)
    if m:
        return _offset_zone(m.group(0))
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*", name) or ".." in name:
        raise FeelFailure(WarningKind.FUNCTION_INVOCATION_FAILURE, f"unknown time zone {name!r}")
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # on the first named zone

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise FeelFailure(WarningKind.FUNCTION_INVOCATION_FAILURE, f"unknown time zone {name!r}") from None


def is_named_zone(tz: Any) -> bool:
    """Whether `tz` is an IANA zone (a `zoneinfo.ZoneInfo`). No value holds one before
    `zoneinfo` is loaded (by `zone` or by the caller), so a start that meets none skips it."""
    zoneinfo = sys.modules.get("zoneinfo")
    return zoneinfo is not None and isinstance(tz, zoneinfo.ZoneInfo)


def _offset_zone(text: str) -> tzinfo:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    parts = [int(p) for p in text[1:].split(":")]
    seconds = parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) > 2 else 0)
    if seconds >= 18 * 3600 + 1:
        raise FeelFailure(WarningKind.FUNCTION_INVOCATION_FAILURE, f"invalid offset {text!r}")
    return UTC if seconds == 0 else timezone(timedelta(seconds=sign * seconds))


def _tz_of(m: re.Match[str]) -> tzinfo | None:
    named = m.group("zb") or m.group("za")
    if named:
        return zone(named)
    if m.group("z"):
        return _offset_zone(m.group("z"))
    return None


def _fraction(frac: str | None) -> tuple[int, int]:
    """Microseconds and the nanoseconds below them of up to nine digits after the point."""
    if not frac:
        return 0, 0
    if len(frac) <= 6:
        return int(frac.ljust(6, "0")), 0
    return int(frac[:6]), int(frac[6:].ljust(3, "0"))


def _make_date(m: re.Match[str], text: str, what: str) -> date:
    year = int(m.group("y"))
    try:
        return make_date(year, int(m.group("mo")), int(m.group("d")))
    except (ValueError, OverflowError):
        raise _invalid(what, text) from None


def _clock(m: re.Match[str], text: str, what: str) -> tuple[int, int, int, int, int, bool]:
    h, mi, s = int(m.group("h")), int(m.group("mi")), int(m.group("s") or 0)
    micro, nanos = _fraction(m.group("f"))
    if h == 24 and mi == 0 and s == 0 and micro == 0 and nanos == 0:
        return 0, 0, 0, 0, 0, True  # 24:00:00 is the end of the day
    if h > 23 or mi > 59 or s > 59:
        raise _invalid(what, text)
    return h, mi, s, micro, nanos, False


def parse_date(text: str) -> date:
    m = _DATE_RE.match(text.strip())
    if not m:
        raise _invalid("date", text)
    return _make_date(m, text, "date")


def parse_time(text: str) -> time:
    m = _TIME_RE.match(text.strip())
    if not m:
        raise _invalid("time", text)
    h, mi, s, micro, nanos, _ = _clock(m, text, "time")
    value = time(h, mi, s, micro, tzinfo=_tz_of(m))
    return WideTime(value, nanos) if nanos else value


def parse_datetime(text: str, *, allow_date: bool = True) -> datetime:
    """`2024-01-01T10:00:00[offset|@Zone|[Zone]]`; a plain date gives local midnight."""
    t = text.strip()
    m = _DATETIME_RE.match(t)
    if not m:
        if allow_date and _DATE_RE.match(t):
            d = parse_date(t)
            return make_datetime(d.year, d.month, d.day)
        raise _invalid("date and time", text)
    d = _make_date(m, text, "date and time")
    h, mi, s, micro, nanos, next_day = _clock(m, text, "date and time")
    tz = _tz_of(m)
    value = make_datetime(d.year, d.month, d.day, h, mi, s, micro, nanos=nanos)
    if next_day:
        try:
            value += timedelta(days=1)
        except OverflowError:
            raise _invalid("date and time", text) from None
    return value.replace(tzinfo=tz)


def parse_duration(text: str) -> timedelta | YearsMonthsDuration:
    """A days-time (`P1DT2H`) or years-months (`P1Y2M`) duration; a mix of both is invalid."""
    t = text.strip()
    m = _DURATION_RE.match(t)
    if not m:
        raise _invalid("duration", text)
    # (the groups unpacked at once, plain tests: a `duration("P10D")` literal is folded at
    # every compile)
    minus, y, mo, w, d, h, mi, sec = m.group("sign", "Y", "M", "W", "D", "H", "MI", "S")
    sign = -1 if minus else 1
    has_ym = y is not None or mo is not None
    has_dt = w is not None or d is not None or h is not None or mi is not None or sec is not None
    if has_ym and has_dt:
        raise _invalid("duration (years-months and days-time parts cannot be mixed)", text)
    whole, _, frac = (sec or "0").partition(".")
    try:
        for part in (y, mo, w, d, h, mi, whole):
            if part and len(part.lstrip("0")) > 40:
                raise OverflowError  # far beyond any duration: not worth an int
        if has_ym:
            return YearsMonthsDuration(sign * (int(y or 0) * 12 + int(mo or 0)))
        seconds = (((int(w or 0) * 7 + int(d or 0)) * 24 + int(h or 0)) * 60
                   + int(mi or 0)) * 60 + int(whole)
        return make_duration(sign * (seconds * 1_000_000_000 + int(frac.ljust(9, "0"))))
    except OverflowError:
        raise _invalid("duration (out of range)", text) from None


def parse_literal(text: str) -> Any:
    """The value of `@"..."`: a date, time, date and time or either duration kind."""
    t = text.strip()
    if t.startswith(("P", "-P")):
        return parse_duration(t)
    if t.startswith("T"):
        return parse_time(t)
    if "T" in t:
        return parse_datetime(t, allow_date=False)
    if len(t) > 2 and t[2] == ":":
        return parse_time(t)
    if _DATE_RE.match(t):
        return parse_date(t)
    raise _invalid("temporal literal", text)


# --------------------------------------------------------------------------- formatting


def format_offset(delta: timedelta) -> str:
    total = int(delta.total_seconds())
    if total == 0:
        return "Z"
    sign = "-" if total < 0 else "+"
    total = abs(total)
    h, rest = divmod(total, 3600)
    mi, s = divmod(rest, 60)
    return f"{sign}{h:02d}:{mi:02d}" + (f":{s:02d}" if s else "")


def _zone_suffix(tz: tzinfo | None, moment: datetime | None, *, bracket: bool = False) -> str:
    if tz is None:
        return ""
    if is_named_zone(tz):
        if bracket and moment is not None:
            return format_offset(moment.utcoffset() or timedelta(0)) + f"[{tz.key}]"
        return "@" + tz.key
    off = tz.utcoffset(moment if type(moment) is not WideDateTime else None)
    return format_offset(off if off is not None else timedelta(0))


def format_date(d: date) -> str:
    y = d.year
    return f"{y:04d}-{d.month:02d}-{d.day:02d}" if y >= 0 else f"-{-y:04d}-{d.month:02d}-{d.day:02d}"


def format_time(t: time) -> str:
    frac = fraction(t.microsecond, t.nanos if type(t) is WideTime else 0)
    base = f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}{frac}"
    return base + _zone_suffix(t.tzinfo, None)


def format_datetime(dt: datetime, *, bracket: bool = False) -> str:
    frac = fraction(dt.microsecond, dt.nanos if type(dt) is WideDateTime else 0)
    base = f"{format_date(dt)}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}{frac}"
    return base + _zone_suffix(dt.tzinfo, dt, bracket=bracket)


def format_days_time(td: Any, *, java: bool = False) -> str:
    """`P1DT2H3M4.5S` (FEEL) or, with java=True, the days folded into hours (`PT26H3M4.5S`)."""
    return days_time_text(duration_nanos(td), java=java)


def format_temporal(value: Any) -> str | None:
    """FEEL `string()` of a temporal value or duration; None for any other value."""
    t = type(value)
    if t is date:
        return format_date(value)
    if t is datetime or isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, time):
        return format_time(value)
    if isinstance(value, timedelta):
        return format_days_time(value)
    if t is YearsMonthsDuration:
        return str(value)
    if t is WideDate:
        return format_date(value)
    if t is WideDateTime:
        return format_datetime(value)  # type: ignore[arg-type]
    if t is WideTime:
        return format_time(value)  # type: ignore[arg-type]
    if t is WideDuration:
        return format_days_time(value)
    return None


def format_json(value: Any) -> str | None:
    """The JSON (ISO) text of a temporal value: zone ids as `+01:00[Europe/Berlin]`, Java durations."""
    if isinstance(value, datetime) or type(value) is WideDateTime:
        return format_datetime(value, bracket=True)
    if isinstance(value, timedelta) or type(value) is WideDuration:
        return format_days_time(value, java=True)
    return format_temporal(value)


# --------------------------------------------------------------------------- calendar helpers


def add_months(value: Any, months: int) -> Any:
    """Add months to a date or date-time, clamping the day to the end of the target month."""
    total = value.year * 12 + (value.month - 1) + months
    year, month = divmod(total, 12)
    day = min(value.day, last_day(year, month + 1))
    if 1 <= year <= 9999 and type(value) is not WideDate and type(value) is not WideDateTime:
        return value.replace(year=year, month=month + 1, day=day)
    try:
        if type(value) is date or type(value) is WideDate:
            return make_date(year, month + 1, day)
        return make_datetime(year, month + 1, day, value.hour, value.minute, value.second,
                             value.microsecond, value.tzinfo, nanos_of(value))
    except OverflowError:
        raise FeelFailure(WarningKind.INVALID_TYPE, "date out of range") from None


def last_day(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def time_offset(t: time, on: date | None = None) -> timedelta | None:
    """The UTC offset of a time (a zone id is resolved on `on`, default 1970-01-01)."""
    tz = t.tzinfo
    if tz is None:
        return None
    if is_named_zone(tz):
        moment = datetime.combine(on or date(1970, 1, 1), time(t.hour, t.minute, t.second))
        return moment.replace(tzinfo=tz).utcoffset()
    return tz.utcoffset(None)


def time_seconds(t: time) -> Decimal:
    """Seconds since midnight, made UTC when the time has a zone."""
    secs = Decimal(t.hour * 3600 + t.minute * 60 + t.second) + Decimal(t.microsecond) / 1000000
    if type(t) is WideTime:
        secs += Decimal(t.nanos) / 1_000_000_000
    off = time_offset(t)
    if off is not None:
        secs -= Decimal(int(off.total_seconds()))
    return secs


def to_utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def shift_datetime(dt: datetime, delta: timedelta) -> datetime:
    """Add an exact duration: by instant for zoned values (DST safe), on the wall clock for local."""
    try:
        if dt.tzinfo is None or not is_named_zone(dt.tzinfo):
            return dt + delta
        return (dt.astimezone(UTC) + delta).astimezone(dt.tzinfo)
    except (OverflowError, TypeError):
        pass
    try:  # beyond years 1..9999, or nanoseconds
        if dt.tzinfo is None or not is_named_zone(dt.tzinfo):
            return datetime_from_local_nanos(local_nanos(dt) + duration_nanos(delta), dt.tzinfo)
        return datetime_from_instant_nanos(instant_nanos(dt) + duration_nanos(delta), dt.tzinfo)
    except OverflowError:
        raise FeelFailure(WarningKind.INVALID_TYPE, "date and time out of range") from None


def shift_time(t: time, delta: timedelta) -> time:
    if type(t) is time and type(delta) is timedelta:
        base = datetime.combine(date(2000, 1, 1), t.replace(tzinfo=None)) + delta
        return base.time().replace(tzinfo=t.tzinfo)
    clock = ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000_000 + t.microsecond * 1000 \
        + nanos_of(t)
    clock = (clock + duration_nanos(delta)) % 86_400_000_000_000
    secs, rest = divmod(clock, 1_000_000_000)
    micro, nanos = divmod(rest, 1000)
    return time_with(time(secs // 3600, secs // 60 % 60, secs % 60, micro, tzinfo=t.tzinfo), nanos)


def now(ctx: Any = None) -> datetime:
    """The evaluation clock: `ctx.now` (a datetime or a callable) if the compiler provides one."""
    clock = getattr(ctx, "now", None) if ctx is not None else None
    if callable(clock):
        clock = clock()
    if isinstance(clock, datetime):
        return clock if clock.tzinfo is not None else clock.astimezone()
    return datetime.now().astimezone()
