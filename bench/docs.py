"""Writes docs/benchmarks.md (method + the latest table) and docs/benchmarks.json from a run."""
from __future__ import annotations

import json
import os

METHOD = """# Benchmarks

feelish is measured side by side with its Python peers and with hand-written Python in one
process, on one machine, in one run.  **Ratios, not absolute times, are the result.**

Reproduce with `{command}` (the whole suite, a few minutes), `python3 -m bench --quick`
(a smoke run, under a minute), or some parts: `python3 -m bench expr sort http memory cold`.  The peers come
with the `bench` extra: `pip install -e '.[bench]'`.  Where feelish spends its time:
`python3 -m bench.profile eval b` / `parse l` / `connector` (cProfile).
Scale-out over Celery workers is measured apart: `python3 -m bench.scale` (needs
`feelish[celery]` and Debian's redis-server; its table is the last section below).

## Method

* **Workloads (a)-(l)** (`bench/workloads.py`) are written once in feelish, once in each peer that
  can express them, and once as a hand-written Python lambda: the *floor*.  Every engine gets the
  same Python objects as variables (cel-python's conversion with `json_to_cel` is done once,
  outside the timed loop).  Before anything is timed, each engine's result is compared with the
  floor's (numbers by value); a different result is reported as WRONG and not timed.
* **Evaluation**: the statement `f(x)` in a `timeit` loop calibrated until one loop lasts
  0.1 s; then 7 rounds, each timing every engine (and the floor) once in turn, so a shared
  machine's drifting load hits all alike.  A ratio is the median of the 7 per-round ratios.
  **Parse + compile**: the same for each engine's *uncached* compile step (feelish's and
  jmespath's text-keyed caches are bypassed).  The reference is CPython's own `compile()` of
  the floor's lambda source.
* **HTTP**: `bench/server.py`, a minimal asyncio HTTP/1.1 keep-alive server started as a
  **subprocess** on 127.0.0.1 (so it never competes with the measured client for the GIL).  The
  connector (URL, query and result mapping written in feelish), on its default transport
  (curl) and on the urllib3 and httpx2 ones (`Runtime(transport="urllib3" / "httpx2")`), is
  compared with the same request made by hand (JSON decoded, the same three fields picked) on a
  reused `httpx2.Client`, urllib3, pycurl, aiohttp (one call at a time) and a raw-socket
  HTTP/1.1 client (the limit): blocks of calls rotate through all of them; the median
  per-block time and its quartiles are shown.  Async: 200 calls with 1, 10, 50 and 200 in
  flight, `run_async` (each transport) vs a reused `httpx2.AsyncClient` and aiohttp, plus
  feelish's sync calls one after another, all in each round; a target's ratio is the median
  over rounds of the ratio within a round.  OAuth2 token requests are counted by the token
  endpoint itself: 1,000
  sequential calls, 100 calls started at once (asyncio and threads), and back-to-back calls over
  3.5 lifetimes of a 1 s token with a zero-skew cache (exactly 4 requests expected).
* **Sorting** (`bench/sort_suite.py`): `sort(items, function(x, y) ...)` over 1,000 records and
  1,000 numbers against Python's `sorted` with the same comparator (`functools.cmp_to_key`),
  timed like the evaluations; then 100,000 records sorted once under the default limits.
* **Cold start** (`bench/cold_suite.py`): whole processes, timed from outside with `subprocess`
  and `time.perf_counter`: `feelish eval '1+1'` (the console script) against `python3 -c pass`,
  after warm-up runs that write the bytecode (as an install does); 21 rounds (15 with
  `--quick`), each running every command once in a rotating order; the ratio is the median of the
  per-round ratios.  The "fresh cache" row runs with an empty `XDG_CACHE_HOME` each time.
* **Memory**: `tracemalloc`: the peak and retained size of 10,000 distinct compiled expressions
  (and of 1,000 compiled connectors: the HTTP benchmark's connector, one literal changed);
  traced memory at ten checkpoints over 1,000,000 evaluations (growth = last - first checkpoint),
  and over 200,000 evaluations that each raise a warning.
* n/e = the peer cannot express the workload (the reason is listed under the table).

## Latest results

"""


def _kept_sections(md_path: str) -> str:
    """Sections other runs own (`python3 -m bench.scale --docs`), carried over unchanged."""
    from .scale import SECTION

    try:
        with open(md_path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        return ""
    start = text.find(SECTION)
    return "" if start < 0 else "\n" + text[start:].rstrip("\n") + "\n"


def write(results: dict, md_path: str = "docs/benchmarks.md",
          json_path: str = "docs/benchmarks.json") -> None:
    os.makedirs(os.path.dirname(md_path) or ".", exist_ok=True)
    kept = _kept_sections(md_path)
    body = results["markdown"].split("\n", 2)[2] if results["markdown"].startswith("## ") else results["markdown"]
    with open(md_path, "w", encoding="utf-8") as fh:
        fh.write(METHOD.format(command=results["command"].replace(" --docs", "")))
        fh.write(f"Command: `{results['command'].replace(' --docs', '')}`\n\n")
        fh.write(body.strip() + "\n")
        fh.write(kept)
    with open(json_path, "w", encoding="utf-8") as fh:
        json.dump({k: v for k, v in results.items() if k != "markdown"}, fh, indent=1, default=str)
        fh.write("\n")
