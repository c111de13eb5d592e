"""Times and days-time durations beyond Python's `time`/`timedelta` (FEEL counts in nanoseconds and
its durations reach past 999,999,999 days): `WideTime` is a real `time` plus the nanoseconds below
its microsecond; `WideDuration` is a whole number of nanoseconds. `make_duration`/`time_with`
return plain values whenever they hold the value exactly."""
from __future__ import annotations

from datetime import time, timedelta

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

NANOS = 1_000_000_000
DAY_NANOS = 86_400 * NANOS
#: durations reach as far as Java's `Duration` (feel-scala's): 2**63 - 1 seconds either way
MAX_DURATION_NANOS = (2 ** 63) * NANOS - 1


def duration_nanos(d: Any) -> int:
    """The length of a days-time duration (`timedelta` or `WideDuration`) in nanoseconds."""
    if type(d) is WideDuration:
        return d.nanos
    return ((d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds) * 1000


def make_duration(nanos: int) -> Any:
    """A `timedelta` when it holds `nanos` exactly, else a `WideDuration`; OverflowError beyond
    Java's `Duration`."""
    if not nanos % 1000:
        try:
            return timedelta(microseconds=nanos // 1000)
        except OverflowError:
            pass
    if not -MAX_DURATION_NANOS <= nanos <= MAX_DURATION_NANOS:
        raise OverflowError("duration out of range")
    return WideDuration(nanos)


def days_time_text(nanos: int, *, java: bool = False) -> str:
    """`P1DT2H3M4.5S` (FEEL) or, with java=True, the days folded into hours (`PT26H3M4.5S`)."""
    sign = "-" if nanos < 0 else ""
    seconds, frac = divmod(abs(nanos), NANOS)
    days, seconds = divmod(seconds, 86400)
    h, seconds = divmod(seconds, 3600)
    mi, s = divmod(seconds, 60)
    if java:
        h += days * 24
        days = 0
    out = f"{sign}P" + (f"{days}D" if days else "")
    clock = (f"{h}H" if h else "") + (f"{mi}M" if mi else "")
    if s or frac:
        clock += f"{s}{fraction(frac // 1000, frac % 1000)}S"
    if clock:
        out += "T" + clock
    elif not days:
        out = "PT0S"
    return out


def fraction(micro: int, nanos: int = 0) -> str:
    """`.5`, `.123456789`: the fraction of a second as FEEL writes it (no trailing zeros)."""
    if nanos:
        return "." + f"{micro:06d}{nanos:03d}".rstrip("0")
    return ("." + f"{micro:06d}".rstrip("0")) if micro else ""


class KeyOrdered:
    """Ordering from `_key(other)`: (self's position, other's), or None when not comparable."""

    __slots__ = ()

    def _key(self, other: Any) -> tuple | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __lt__(self, other: Any) -> Any:
        k = self._key(other)
        return NotImplemented if k is None else k[0] < k[1]

    def __le__(self, other: Any) -> Any:
        k = self._key(other)
        return NotImplemented if k is None else k[0] <= k[1]

    def __gt__(self, other: Any) -> Any:
        k = self._key(other)
        return NotImplemented if k is None else k[0] > k[1]

    def __ge__(self, other: Any) -> Any:
        k = self._key(other)
        return NotImplemented if k is None else k[0] >= k[1]


class WideDuration(KeyOrdered):
    """A days-time duration `timedelta` cannot hold (a nanosecond part, or beyond 999,999,999
    days): `nanos` is its whole length. Adds, subtracts, compares and hashes with `timedelta`."""

    __slots__ = ("nanos",)

    def __init__(self, nanos: int):
        self.nanos = nanos

    # timedelta's fields (days floored, as timedelta normalises them; the nanoseconds dropped)
    days = property(lambda self: self.nanos // DAY_NANOS)
    seconds = property(lambda self: self.nanos % DAY_NANOS // NANOS)
    microseconds = property(lambda self: self.nanos % NANOS // 1000)

    def total_seconds(self) -> float:
        return self.nanos / NANOS

    def __add__(self, other: Any) -> Any:
        if type(other) is WideDuration or isinstance(other, timedelta):
            return make_duration(self.nanos + duration_nanos(other))
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        if type(other) is WideDuration or isinstance(other, timedelta):
            return make_duration(self.nanos - duration_nanos(other))
        return NotImplemented

    def __rsub__(self, other: Any) -> Any:
        if isinstance(other, timedelta):
            return make_duration(duration_nanos(other) - self.nanos)
        return NotImplemented

    def __neg__(self) -> WideDuration:
        return WideDuration(-self.nanos)

    def __pos__(self) -> WideDuration:
        return self

    def __abs__(self) -> WideDuration:
        return WideDuration(abs(self.nanos))

    def __bool__(self) -> bool:
        return self.nanos != 0

    def _key(self, other: Any) -> tuple[int, int] | None:
        if type(other) is WideDuration or isinstance(other, timedelta):
            return self.nanos, duration_nanos(other)
        return None

    def __eq__(self, other: Any) -> Any:
        k = self._key(other)
        return NotImplemented if k is None else k[0] == k[1]

    def __hash__(self) -> int:
        return hash(("days and time duration", self.nanos))

    def __str__(self) -> str:
        return days_time_text(self.nanos)

    isoformat = __str__

    def __repr__(self) -> str:
        return f"WideDuration({str(self)!r})"


def time_with(t: time, nanos: int) -> Any:
    """`t` with `nanos` (0..999) below its microsecond: plain when there are none."""
    return WideTime(t, nanos) if nanos else t


class HeldClock:
    """The clock fields of a value that holds a Python `time` or `datetime` as `inner`."""

    __slots__ = ()

    hour = property(lambda self: self.inner.hour)
    minute = property(lambda self: self.inner.minute)
    second = property(lambda self: self.inner.second)
    microsecond = property(lambda self: self.inner.microsecond)
    tzinfo = property(lambda self: self.inner.tzinfo)
    #: which of a repeated wall-clock reading (0 or 1, as `datetime.fold`): hosts that store a
    #: value keep it beside the text
    fold = property(lambda self: self.inner.fold)

    def utcoffset(self) -> timedelta | None:
        return self.inner.utcoffset()


class WideTime(KeyOrdered, HeldClock):
    """A time of day with nanoseconds below its microsecond (1..999 in `nanos`); `inner` is the
    Python `time` up to the microsecond. Answers the fields and methods of `time` the language uses."""

    __slots__ = ("inner", "nanos")

    def __init__(self, inner: time, nanos: int):
        self.inner = inner
        self.nanos = nanos

    def replace(self, **changes: Any) -> Any:
        """As `time.replace`; `microsecond=` sets the whole fraction (the nanoseconds go),
        `nanosecond=` the part below the microsecond."""
        nanos = changes.pop("nanosecond", 0 if "microsecond" in changes else self.nanos)
        return time_with(self.inner.replace(**changes), nanos)

    def _key(self, other: Any) -> tuple | None:
        if type(other) is WideTime:
            return (self.inner, self.nanos), (other.inner, other.nanos)
        if isinstance(other, time):
            return (self.inner, self.nanos), (other, 0)
        return None

    def __eq__(self, other: Any) -> Any:
        k = self._key(other)
        return NotImplemented if k is None else k[0] == k[1]

    def __hash__(self) -> int:
        return hash((self.inner, self.nanos))

    def isoformat(self) -> str:
        """Python's ISO form of the time with all nine digits: `10:20:30.123456789+01:00`."""
        text = self.inner.isoformat(timespec="microseconds")
        return f"{text[:15]}{self.nanos:03d}{text[15:]}"

    __str__ = isoformat

    def __repr__(self) -> str:
        return f"WideTime({self.isoformat()!r}, tzinfo={self.tzinfo!r})"
