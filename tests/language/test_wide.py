"""Years outside 1..9999 (feelish/language/wide.py): the held value moved by whole 400-year cycles
agrees with Python's own calendar wherever both can answer, and plain values stay plain."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import feelish
from feelish.language.wide import (CYCLE_DAYS, WideDate, WideDateTime, date_from_ordinal,
                                   instant_micros, local_micros, make_date, make_datetime, ordinal)

PARIS = ZoneInfo("Europe/Paris")


def test_plain_values_stay_plain():
    assert type(make_date(2024, 2, 29)) is date
    assert type(make_datetime(9999, 12, 31, 23, 59, tz=timezone.utc)) is datetime
    assert type(feelish.evaluate('date("2024-01-01") + duration("P1D")')) is date
    # a wide value that comes back into range is plain again
    assert type(feelish.evaluate('date("10000-01-01") - duration("P1D")')) is date
    assert feelish.evaluate('date("10000-01-01") - duration("P1D")') == date(9999, 12, 31)


def test_wide_values_keep_their_fields():
    d = make_date(-2017, 12, 31)
    assert type(d) is WideDate and (d.year, d.month, d.day) == (-2017, 12, 31)
    assert str(d) == "-2017-12-31" and repr(d) == "WideDate('-2017-12-31')"
    dt = make_datetime(123456, 7, 8, 9, 10, 11, 12, PARIS)
    assert (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond) == \
        (123456, 7, 8, 9, 10, 11, 12)
    assert dt.tzinfo is PARIS and dt.utcoffset() == timedelta(hours=2)  # today's rules, in summer
    with pytest.raises(ValueError):
        make_date(-100, 2, 29)
    with pytest.raises(OverflowError):
        make_date(1_000_000_000, 1, 1)


def test_ordinals_continue_across_cycles():
    assert ordinal(make_date(1, 1, 1)) == 1
    assert ordinal(make_date(0, 12, 31)) == 0
    assert ordinal(make_date(-399, 1, 1)) == 1 - CYCLE_DAYS
    rng = random.Random(16)
    for _ in range(500):
        n = rng.randint(-365_000_000_000, 365_000_000_000)
        d = date_from_ordinal(n)
        assert ordinal(d) == n
        assert ordinal(d + timedelta(days=1)) == n + 1
        # the weekday follows the ordinal as in Python's calendar (day 1 was a Monday)
        assert d.weekday() == (n - 1) % 7


def test_wide_arithmetic_agrees_with_python_in_range():
    rng = random.Random(1)
    for _ in range(300):
        base = datetime(rng.randint(1, 9998), rng.randint(1, 12), rng.randint(1, 28),
                        rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
        delta = timedelta(seconds=rng.randint(-10 ** 9, 10 ** 9))
        try:
            expected = base + delta
        except OverflowError:
            continue
        got = WideDateTime(0, base) + delta  # forced through the wide path
        assert type(got) is datetime and got == expected
        assert local_micros(WideDateTime(0, base)) == local_micros(base)


def test_instants_with_zones():
    a = make_datetime(10000, 1, 1, 0, 0, tz=timezone.utc)
    b = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-1)))
    assert instant_micros(a) == instant_micros(b)
    assert a.astimezone(timezone(timedelta(hours=-1))).year == 9999  # plain again
    far = make_datetime(-2021, 1, 1, 10, 0, tz=ZoneInfo("Australia/Melbourne"))
    assert far.utcoffset() == timedelta(hours=9, minutes=39, seconds=52)  # local mean time
    assert instant_micros(far.astimezone(timezone.utc)) == instant_micros(far)


def test_comparisons_and_hashing_mix_plain_and_wide():
    past, now, future = make_date(-1, 1, 1), date(2000, 1, 1), make_date(10000, 1, 1)
    assert past < now < future and future > now > past
    assert sorted([future, now, past]) == [past, now, future]
    assert make_date(10000, 1, 1) == future and hash(make_date(10000, 1, 1)) == hash(future)
    assert future != now and len({future, make_date(10000, 1, 1)}) == 1
    assert future - now == timedelta(days=ordinal(future) - ordinal(now))
    assert now - past == timedelta(days=ordinal(now) - ordinal(past))


def test_results_reach_the_host_as_wide_values():
    value = feelish.evaluate('date and time("-2017-12-31T11:22:33.456+01:35")')
    assert type(value) is WideDateTime and value.year == -2017
    assert feelish.evaluate("string(x)", {"x": value}) == "-2017-12-31T11:22:33.456+01:35"
    assert feelish.evaluate("x.year + 1", {"x": make_date(-5, 3, 1)}) == -4
