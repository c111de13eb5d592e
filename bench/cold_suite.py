"""Cold start: whole processes timed from outside with the standard library (`subprocess`,
`time.perf_counter`), `feelish eval '1+1'` against `python3 -c pass`, in interleaved rounds.

Each round runs every command once, in a rotating order, so a shared machine's drifting load
hits all alike; a ratio is the median of the per-round ratios.  Bytecode is written by warm-up
runs first (an installed package has its .pyc files).  "fresh cache" runs with an empty
XDG_CACHE_HOME each time: what a first run after installing sees.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .timing import fmt_ratio, fmt_time

TARGET = 8.0   # issue 14, target 3: feelish eval '1+1' <= 8x python3 -c pass


def _feelish() -> list[str]:
    script = Path(sys.executable).with_name("feelish")
    return [str(script)] if script.exists() else [sys.executable, "-m", "feelish"]


def commands() -> dict[str, list[str]]:
    cmds = {
        "python3 -c pass": [sys.executable, "-c", "pass"],
        "feelish eval '1+1'": _feelish() + ["eval", "1+1"],
        "feelish eval '1+1' (fresh cache)": _feelish() + ["eval", "1+1"],
        "python3 -c 'import feelish'": [sys.executable, "-c", "import feelish"],
        "feelish eval (a 60-entry context, --var)": _feelish() + [
            "eval", "{" + ", ".join(f"k{i}: x.a + {i}" for i in range(60)) + "}", "--var", 'x={"a": 1}'],
    }
    if shutil.which("jq"):
        cmds["jq -n '1+1' (for scale)"] = ["jq", "-n", "1+1"]
    return cmds


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.pop("FEELISH_NO_GRAMMAR_CACHE", None)
    return env


def _once(cmd: list[str], env: dict) -> float:
    """Wall time of one run. The exit is awaited with a blocking wait: `subprocess.run(...,
    timeout=...)` polls with sleeps that double up to 50 ms, so every time it measured fell on
    the next step (15.5, 31.5, 63.5, 113.5 ms...); a timer kills a run past 120 s instead."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watchdog = threading.Timer(120, proc.kill)
    watchdog.start()
    try:
        returncode = proc.wait()
    finally:
        watchdog.cancel()
    elapsed = time.perf_counter() - started
    if returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {returncode}")
    return elapsed


def run(quick: bool = False, log=print, rounds: int | None = None) -> dict:
    rounds = rounds or (15 if quick else 21)
    cmds = commands()
    env = _env()
    for cmd in cmds.values():  # warm-up: writes bytecode, fills the OS file cache
        for _ in range(2):
            _once(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    names = list(cmds)
    with tempfile.TemporaryDirectory(prefix="feelish-cold-") as tmp:
        for r in range(rounds):
            order = names[r % len(names):] + names[:r % len(names)]
            for name in order:
                run_env = env
                if "fresh cache" in name:
                    run_env = {**env, "XDG_CACHE_HOME": os.path.join(tmp, f"round{r}")}
                times[name].append(_once(cmds[name], run_env))
    base = times["python3 -c pass"]
    rows = {}
    for name, ts in times.items():
        q = statistics.quantiles(ts, n=4)
        rows[name] = {"median_s": statistics.median(ts), "q1_s": q[0], "q3_s": q[2],
                      "ratio": statistics.median(a / b for a, b in zip(ts, base)),
                      "rounds_s": ts}
    measured = rows["feelish eval '1+1'"]["ratio"]
    fresh = rows["feelish eval '1+1' (fresh cache)"]["ratio"]
    log(f"  cold start: feelish eval '1+1' {fmt_ratio(measured)} python3 -c pass "
        f"(fresh cache {fmt_ratio(fresh)})")
    return {"rounds": rounds, "commands": {k: " ".join(v) for k, v in cmds.items()}, "rows": rows,
            "targets": {"cold_eval_le_8x_python": {
                "measured": max(measured, fresh), "target": TARGET,
                "met": measured <= TARGET and fresh <= TARGET}}}


def table(res: dict) -> str:
    out = ["### Cold start (whole processes, interleaved rounds)", "",
           f"{res['rounds']} rounds; each ratio is the median of the per-round ratios to "
           "`python3 -c pass`; IQR = the middle half of the rounds.", "",
           "| command | median | IQR | ÷ python3 -c pass |", "|---|---:|---:|---:|"]
    for name, r in res["rows"].items():
        out.append(f"| `{name}` | {fmt_time(r['median_s'])} | {fmt_time(r['q1_s'])} – "
                   f"{fmt_time(r['q3_s'])} | {fmt_ratio(r['ratio'])} |")
    return "\n".join(out)
