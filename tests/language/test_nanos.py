"""Nanoseconds and long days-time durations (feelish/language/nanos.py, wide.py): what a Python
caller gets back, what it may pass in, and arithmetic cross-checked against plain integer
nanoseconds."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import feelish
from feelish.language.nanos import (MAX_DURATION_NANOS, WideDuration, WideTime, duration_nanos,
                                    make_duration)
from feelish.language.wide import WideDateTime, instant_nanos, make_datetime

PARIS = ZoneInfo("Europe/Paris")


def test_values_that_fit_stay_plain():
    assert type(feelish.evaluate('time("10:20:30.123456")')) is time
    assert type(feelish.evaluate('time("10:20:30.123456000")')) is time
    assert type(feelish.evaluate('date and time("2019-03-31T10:20:30.123456000Z")')) is datetime
    assert feelish.evaluate('duration("PT0.000001S")') == timedelta(microseconds=1)
    assert type(feelish.evaluate('duration("PT0.0000005S") * 2')) is timedelta
    assert type(make_duration(86_400 * 10**9 * 999_999_999)) is timedelta


def test_a_caller_gets_wide_values_with_their_parts():
    t = feelish.evaluate('time("10:20:30.123456789+02:00")')
    assert type(t) is WideTime and t.nanos == 789
    assert t.inner == time(10, 20, 30, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert (t.hour, t.minute, t.second, t.microsecond) == (10, 20, 30, 123456)
    assert str(t) == t.isoformat() == "10:20:30.123456789+02:00"

    dt = feelish.evaluate('date and time("2019-03-31T10:20:30.000000001@Europe/Paris")')
    assert type(dt) is WideDateTime and dt.nanos == 1 and dt.cycles == 0
    assert dt.inner == datetime(2019, 3, 31, 10, 20, 30, tzinfo=PARIS)
    assert dt.isoformat() == "2019-03-31T10:20:30.000000001+02:00"
    assert feelish.evaluate('date and time("-0044-03-15T12:00:00.5Z")').isoformat() == \
        "-0044-03-15T12:00:00.500000+00:00"

    d = feelish.evaluate('duration("P1DT0.000000001S")')
    assert type(d) is WideDuration and d.nanos == 86_400 * 10**9 + 1
    assert str(d) == "P1DT0.000000001S" and d.days == 1 and d.microseconds == 0
    huge = feelish.evaluate('duration("P999999999D") + duration("P1D")')
    assert type(huge) is WideDuration and huge.nanos == 10**9 * 86_400 * 10**9


def test_a_caller_may_pass_wide_values_in():
    t = WideTime(time(23, 59, 59, 999999), 999)
    assert feelish.evaluate('string(t + duration("PT0.000000001S"))', {"t": t}) == "00:00:00"
    dt = make_datetime(2024, 1, 1, nanos=5)
    assert feelish.evaluate("string(x)", {"x": dt}) == "2024-01-01T00:00:00.000000005"
    assert feelish.evaluate("d * 2", {"d": WideDuration(3)}) == WideDuration(6)


def test_durations_mix_with_timedelta():
    one = WideDuration(1)
    assert one + timedelta(microseconds=1) == WideDuration(1001)
    assert timedelta(microseconds=1) - one == WideDuration(999)
    assert WideDuration(999) + one == timedelta(microseconds=1)
    assert type(WideDuration(999) + one) is timedelta
    assert timedelta(0) < one < timedelta(microseconds=1) and one != timedelta(0)
    assert -one == WideDuration(-1) and abs(WideDuration(-1)) == one
    assert duration_nanos(timedelta(days=-1)) == -86_400 * 10**9
    assert type(make_duration(MAX_DURATION_NANOS)) is WideDuration
    with pytest.raises(OverflowError):
        make_duration(MAX_DURATION_NANOS + 1)


def test_datetime_arithmetic_agrees_with_integer_nanoseconds():
    rng = random.Random(16)
    base = datetime(1970, 1, 1, tzinfo=timezone.utc)
    for _ in range(300):
        start = rng.randint(-62_000_000_000 * 10**9, 250_000_000_000 * 10**9)  # years ~0..9900
        step = rng.randint(-10**18, 10**18)
        start_text = feelish.evaluate("string(d)", {"d": _utc(base, start)})
        got = feelish.evaluate(f'date and time("{start_text}") + duration("{_iso(step)}")')
        assert instant_nanos(got) - instant_nanos(base) == start + step
        diff = feelish.evaluate("a - b", {"a": got, "b": _utc(base, start)})
        assert duration_nanos(diff) == step


def _utc(base: datetime, nanos: int):
    micros, rest = divmod(nanos, 1000)
    value = base + timedelta(microseconds=micros)
    return WideDateTime(0, value, rest) if rest else value


def _iso(nanos: int) -> str:
    sign = "-" if nanos < 0 else ""
    seconds, frac = divmod(abs(nanos), 10**9)
    return f"{sign}PT{seconds}.{frac:09d}S"


def test_dates_move_by_long_durations():
    assert feelish.evaluate('date("2020-01-01") + d', {"d": WideDuration(86_400 * 10**9 * 10**9)}) \
        == feelish.evaluate('date("2020-01-01") + duration("P999999999D") + duration("P1D")')
    assert feelish.evaluate('date("2020-01-01") - duration("P1000000000D") + duration("P1000000000D")') \
        == date(2020, 1, 1)
