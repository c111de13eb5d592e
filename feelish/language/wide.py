"""Dates and date-times whose year lies outside Python's 1..9999 (FEEL allows -999,999,999 to
999,999,999): `WideDate` and `WideDateTime` hold a real `date`/`datetime` moved by whole 400-year
cycles (the Gregorian calendar, weekdays included, repeats every 146,097 days) and the number of
cycles; a `WideDateTime` also carries the nanoseconds below its microsecond (`nanos.py`), so a
date-time with nanoseconds is one too. `make_date`/`make_datetime` return plain values whenever
they fit."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

from .nanos import HeldClock, KeyOrdered, WideDuration, WideTime, duration_nanos, make_duration, time_with

CYCLE_YEARS = 400
CYCLE_DAYS = 146097
MIN_YEAR, MAX_YEAR = -999_999_999, 999_999_999
_UTC = timezone.utc
_DAY_MICROS = 86_400_000_000


def _cycles(year: int) -> int:
    """Cycles to move `year` by so it lands in 2..401 (past) or 9598..9997 (future): one day
    away from Python's limits, so a zone offset never pushes the held value out of range."""
    if year < 1:
        return (year - 2) // CYCLE_YEARS
    return (year - 9598) // CYCLE_YEARS


def _check(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise OverflowError(f"year {year} is out of range")


def make_date(year: int, month: int, day: int) -> Any:
    """A `date`, or a `WideDate` when the year is outside 1..9999; ValueError for a bad day."""
    if 1 <= year <= 9999:
        return date(year, month, day)
    _check(year)
    k = _cycles(year)
    return WideDate(k, date(year - k * CYCLE_YEARS, month, day))


def make_datetime(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
                  second: int = 0, microsecond: int = 0, tz: tzinfo | None = None,
                  nanos: int = 0) -> Any:
    """A `datetime`, or a `WideDateTime` when the year is outside 1..9999 or `nanos` (below the
    microsecond) is not 0."""
    if 1 <= year <= 9999:
        value = datetime(year, month, day, hour, minute, second, microsecond, tzinfo=tz)
        return WideDateTime(0, value, nanos) if nanos else value
    _check(year)
    k = _cycles(year)
    return WideDateTime(k, datetime(year - k * CYCLE_YEARS, month, day, hour, minute, second,
                                    microsecond, tzinfo=tz), nanos)


def nanos_of(value: Any) -> int:
    """The nanoseconds below the microsecond of a time or date-time (0 for plain ones)."""
    t = type(value)
    return value.nanos if t is WideDateTime or t is WideTime else 0


def with_nanos(value: Any, nanos: int) -> Any:
    """A date-time or time with its nanoseconds below the microsecond set to `nanos`."""
    t = type(value)
    if t is WideDateTime:
        return _build(value.cycles, value.inner, nanos)
    if t is WideTime:
        return time_with(value.inner, nanos)
    if isinstance(value, datetime):
        return WideDateTime(0, value, nanos) if nanos else value
    return time_with(value, nanos)


def _build(cycles: int, inner: datetime, nanos: int) -> Any:
    if cycles == 0 and not nanos:
        return inner
    return WideDateTime(cycles, inner, nanos)


def date_from_ordinal(n: int) -> Any:
    """The date with proleptic ordinal `n` (day 1 is 0001-01-01), any year."""
    if 1 <= n <= 3652059:
        return date.fromordinal(n)
    k, rest = divmod(n - 1, CYCLE_DAYS)
    d = date.fromordinal(rest + 1)
    return make_date(d.year + k * CYCLE_YEARS, d.month, d.day)


def ordinal(d: Any) -> int:
    """The proleptic ordinal of a date or date-time's day, any year."""
    if type(d) is WideDate or type(d) is WideDateTime:
        return d.inner.toordinal() + d.cycles * CYCLE_DAYS
    return d.toordinal()


def local_micros(dt: Any) -> int:
    """Microseconds from 0001-01-01T00:00 to the wall-clock reading of a date-time, any year."""
    return ((ordinal(dt) * 86400 + dt.hour * 3600 + dt.minute * 60 + dt.second) * 1_000_000
            + dt.microsecond)


def local_nanos(dt: Any) -> int:
    """`local_micros` in nanoseconds, the date-time's own nanoseconds included."""
    return local_micros(dt) * 1000 + nanos_of(dt)


def instant_nanos(dt: Any) -> int:
    """`instant_micros` in nanoseconds, the date-time's own nanoseconds included."""
    return instant_micros(dt) * 1000 + nanos_of(dt)


def instant_micros(dt: Any) -> int:
    """`local_micros` made UTC when the date-time has a zone."""
    off = dt.utcoffset()
    if off is None:
        return local_micros(dt)
    return local_micros(dt) - (off.days * 86400 + off.seconds) * 1_000_000 - off.microseconds


def datetime_from_local(micros: int, tz: tzinfo | None, nanos: int = 0) -> Any:
    """The date-time whose wall clock is `micros` (see `local_micros`), with zone `tz` kept."""
    days, rest = divmod(micros, _DAY_MICROS)
    d = date_from_ordinal(days)
    secs, us = divmod(rest, 1_000_000)
    return make_datetime(d.year, d.month, d.day, secs // 3600, secs // 60 % 60, secs % 60, us, tz,
                         nanos)


def datetime_from_local_nanos(nanos: int, tz: tzinfo | None) -> Any:
    """The date-time whose wall clock is `nanos` (see `local_nanos`), with zone `tz` kept."""
    micros, rest = divmod(nanos, 1000)
    return datetime_from_local(micros, tz, rest)


def datetime_from_instant(micros: int, tz: tzinfo, nanos: int = 0) -> Any:
    """The date-time in zone `tz` at the UTC instant `micros` (see `instant_micros`) and `nanos`."""
    utc = datetime_from_local(micros, _UTC)
    if type(utc) is datetime:
        try:
            value = utc.astimezone(tz)
        except OverflowError:  # the first or last day of 1..9999, moved out of it by the offset
            k = -1 if utc.year < 5000 else 1
            value = _wrap(k, utc.replace(year=utc.year - k * CYCLE_YEARS).astimezone(tz))
    else:
        value = _wrap(utc.cycles, utc.inner.astimezone(tz))
    return with_nanos(value, nanos) if nanos else value


def datetime_from_instant_nanos(nanos: int, tz: tzinfo) -> Any:
    """The date-time in zone `tz` at the UTC instant `nanos` (see `instant_nanos`)."""
    micros, rest = divmod(nanos, 1000)
    return datetime_from_instant(micros, tz, rest)


def _wrap(k: int, inner: Any) -> Any:
    """The held value `inner` moved back by `k` cycles: plain if it fits, else re-banded."""
    year = inner.year + k * CYCLE_YEARS
    if 1 <= year <= 9999:
        return inner.replace(year=year)
    _check(year)
    k2 = _cycles(year)
    held = inner.replace(year=year - k2 * CYCLE_YEARS)
    return WideDate(k2, held) if type(inner) is date else WideDateTime(k2, held)


class _Held(KeyOrdered):
    """What both wide kinds share: the held value, the calendar fields read from it, and ordering
    from `_key(other)` (self's position and other's, or None when not comparable)."""

    __slots__ = ("cycles", "inner")

    def __init__(self, cycles: int, inner: Any):
        self.cycles = cycles
        self.inner = inner

    @property
    def year(self) -> int:
        return self.inner.year + self.cycles * CYCLE_YEARS

    @property
    def month(self) -> int:
        return self.inner.month

    @property
    def day(self) -> int:
        return self.inner.day

    def weekday(self) -> int:
        return self.inner.weekday()

    def isoweekday(self) -> int:
        return self.inner.isoweekday()

    def timetuple(self):
        return self.inner.timetuple()

    def isocalendar(self):
        return self.inner.isocalendar()

    def toordinal(self) -> int:
        return ordinal(self)


class WideDate(_Held):
    """A date with a year outside 1..9999 (see the module docstring); compares, hashes and
    subtracts like `date`."""

    __slots__ = ()

    def replace(self, year: int | None = None, month: int | None = None, day: int | None = None):
        return make_date(self.year if year is None else year, month or self.month, day or self.day)

    def __add__(self, other: Any) -> Any:
        if _is_duration(other):
            return date_from_ordinal(ordinal(self) + other.days)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        if _is_duration(other):
            return date_from_ordinal(ordinal(self) - other.days)
        if _is_date(other):
            return make_duration((ordinal(self) - ordinal(other)) * _DAY_NANOS)
        return NotImplemented

    def __rsub__(self, other: Any) -> Any:
        if _is_date(other):
            return make_duration((ordinal(other) - ordinal(self)) * _DAY_NANOS)
        return NotImplemented

    def _key(self, other: Any) -> tuple[int, int] | None:
        return (ordinal(self), ordinal(other)) if _is_date(other) else None

    def __eq__(self, other: Any) -> bool:
        return type(other) is WideDate and ordinal(self) == ordinal(other)

    def __hash__(self) -> int:
        return hash(("date", ordinal(self)))

    def isoformat(self) -> str:
        return f"{_year_text(self.year)}-{self.month:02d}-{self.day:02d}"

    __str__ = isoformat

    def __repr__(self) -> str:
        return f"WideDate({self.isoformat()!r})"


class WideDateTime(_Held, HeldClock):
    """A date and time with a year outside 1..9999 or nanoseconds below its microsecond (`nanos`,
    0..999; see the module docstring)."""

    __slots__ = ("nanos",)

    def __init__(self, cycles: int, inner: Any, nanos: int = 0):
        self.cycles = cycles
        self.inner = inner
        self.nanos = nanos

    def date(self) -> Any:
        return _wrap(self.cycles, self.inner.date())

    def time(self) -> Any:
        return time_with(self.inner.time(), self.nanos)

    def timetz(self) -> Any:
        return time_with(self.inner.timetz(), self.nanos)

    def replace(self, **changes: Any) -> Any:
        """As `datetime.replace`; `microsecond=` sets the whole fraction (the nanoseconds go),
        `nanosecond=` the part below the microsecond."""
        nanos = changes.pop("nanosecond", 0 if "microsecond" in changes else self.nanos)
        if "year" in changes:
            fields = dict(year=self.year, month=self.month, day=self.day, hour=self.hour,
                          minute=self.minute, second=self.second, microsecond=self.microsecond,
                          tz=self.tzinfo, nanos=nanos)
            if "tzinfo" in changes:
                changes["tz"] = changes.pop("tzinfo")
            fields.update(changes)
            return make_datetime(**fields)
        return _build(self.cycles, self.inner.replace(**changes), nanos)

    def astimezone(self, tz: tzinfo) -> Any:
        return datetime_from_instant(instant_micros(self), tz, self.nanos)

    def __add__(self, other: Any) -> Any:
        if _is_duration(other):
            return datetime_from_local_nanos(local_nanos(self) + duration_nanos(other), self.tzinfo)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        if _is_duration(other):
            return datetime_from_local_nanos(local_nanos(self) - duration_nanos(other), self.tzinfo)
        if _is_datetime(other):
            if (self.tzinfo is None) != (other.tzinfo is None):
                raise TypeError("can't subtract offset-naive and offset-aware datetimes")
            return make_duration(self._instant() - instant_nanos(other))
        return NotImplemented

    def __rsub__(self, other: Any) -> Any:
        if _is_datetime(other):
            if (self.tzinfo is None) != (other.tzinfo is None):
                raise TypeError("can't subtract offset-naive and offset-aware datetimes")
            return make_duration(instant_nanos(other) - self._instant())
        return NotImplemented

    def _instant(self) -> int:
        return instant_nanos(self)

    def _key(self, other: Any) -> tuple[int, int] | None:
        if not _is_datetime(other):
            return None
        if (self.tzinfo is None) != (other.tzinfo is None):
            raise TypeError("can't compare offset-naive and offset-aware datetimes")
        return self._instant(), instant_nanos(other)

    def __eq__(self, other: Any) -> bool:
        if type(other) is not WideDateTime or (self.tzinfo is None) != (other.tzinfo is None):
            return False
        return self._instant() == other._instant()

    def __hash__(self) -> int:
        return hash(("date and time", self._instant()))

    def isoformat(self) -> str:
        """Python's ISO form with FEEL's year and all nine digits when there are nanoseconds."""
        text = self.inner.isoformat(timespec="microseconds" if self.nanos else "auto")
        cut = text.index("-", 1)  # after the year
        if self.nanos:
            dot = text.index(".", cut)
            text = f"{text[:dot + 7]}{self.nanos:03d}{text[dot + 7:]}"
        return _year_text(self.year) + text[cut:]

    __str__ = isoformat

    def __repr__(self) -> str:
        return f"WideDateTime({self.isoformat()!r}, tzinfo={self.inner.tzinfo!r})"


_DAY_NANOS = 86_400_000_000_000


def _is_duration(x: Any) -> bool:
    return type(x) is WideDuration or isinstance(x, timedelta)


def _is_date(x: Any) -> bool:
    return type(x) is WideDate or (isinstance(x, date) and not isinstance(x, datetime))


def _is_datetime(x: Any) -> bool:
    return type(x) is WideDateTime or isinstance(x, datetime)


def _year_text(year: int) -> str:
    """A year as FEEL writes it: at least four digits, a minus sign before negative ones."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


WIDE_TYPES = (WideDate, WideDateTime, WideTime, WideDuration)
