"""Calibrated timing loops: timeit's autorange idea, several repeats, the median per call.

The timed statement is ``f(x)`` with ``f`` and ``x`` bound as globals of the timeit template, so
every engine pays the same (tiny) loop cost and no wrapper call is added around the floor.
"""
from __future__ import annotations

import statistics
import timeit
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    min_time: float = 0.1   # seconds one calibrated loop must last
    repeats: int = 7        # interleaved rounds; the median is reported

    @classmethod
    def quick(cls) -> "Settings":
        return cls(min_time=0.01, repeats=3)


def per_call(f, x, settings: Settings) -> float:
    """Median seconds per ``f(x)`` call."""
    timer = timeit.Timer("f(x)", globals={"f": f, "x": x})
    number = 1
    while True:  # calibrate: grow the loop until it lasts min_time
        t = timer.timeit(number)
        if t >= settings.min_time:
            break
        number = max(number * 2, int(number * settings.min_time / max(t, 1e-9) * 1.1))
    times = [t / number]
    for _ in range(settings.repeats - 1):
        times.append(timer.timeit(number) / number)
    return statistics.median(times)


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.2f} µs"
    return f"{seconds * 1e9:.0f} ns"


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return "—"
    if r >= 100:
        return f"{r:,.0f}×"
    if r >= 10:
        return f"{r:.1f}×"
    return f"{r:.2f}×"


def geomean(values) -> float | None:
    values = [v for v in values if v]
    return statistics.geometric_mean(values) if values else None


def _calibrate(timer: timeit.Timer, min_time: float) -> int:
    number = 1
    while True:
        t = timer.timeit(number)
        if t >= min_time:
            return number
        number = max(number * 2, int(number * min_time / max(t, 1e-9) * 1.1))


def interleaved(calls: dict, settings: Settings) -> dict:
    """Seconds per call for each ``name -> (f, x)``, measured in interleaved rounds.

    Each function is calibrated alone; then every round times each function once, so load
    that drifts (a shared machine) hits all of them alike.  Returns ``name -> [per-round s]``;
    ratios are best taken per round (see `ratio`).
    """
    timers = {k: timeit.Timer("f(x)", globals={"f": f, "x": x}) for k, (f, x) in calls.items()}
    numbers = {k: _calibrate(t, settings.min_time) for k, t in timers.items()}
    rounds: dict = {k: [] for k in calls}
    for _ in range(settings.repeats):
        for k, t in timers.items():
            rounds[k].append(t.timeit(numbers[k]) / numbers[k])
    return rounds


def ratio(num: list, den: list) -> float:
    """Median of the per-round ratios of two interleaved measurements."""
    return statistics.median(a / b for a, b in zip(num, den))
