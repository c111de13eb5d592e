"""Profile where feelish spends its time on one benchmark workload (cProfile, standard library).

    python3 -m bench.profile eval b        # evaluation of workload (b), top 25 functions
    python3 -m bench.profile parse l       # parse+compile of workload (l)
    python3 -m bench.profile connector     # a sequential connector call against bench.server
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

from . import engines
from .workloads import workloads


def _loop(fn, arg, seconds: float) -> int:
    n, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        for _ in range(100):
            fn(arg)
        n += 100
    return n


def profile_call(fn, arg, seconds: float, top: int, sort: str) -> str:
    prof = cProfile.Profile()
    prof.enable()
    n = _loop(fn, arg, seconds)
    prof.disable()
    out = io.StringIO()
    out.write(f"{n:,} calls profiled\n")
    pstats.Stats(prof, stream=out).sort_stats(sort).print_stats(top)
    return out.getvalue()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python3 -m bench.profile")
    ap.add_argument("what", choices=("eval", "parse", "connector"))
    ap.add_argument("workload", nargs="?", default="b")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative)")
    args = ap.parse_args(argv)
    if args.what == "connector":
        from . import connector_adapter, http_suite
        from .serverproc import running_server
        with running_server() as base:
            conn, why = connector_adapter.order_connector(base)
            if conn is None:
                raise SystemExit(f"connector unavailable: {why}")
            for _ in range(50):
                conn.run(http_suite.VARIABLES)
            print(_profile_connector(conn, args))
        return
    w = {w.key: w for w in workloads()}[args.workload]
    fe = engines.Feelish()
    if not fe.available:
        raise SystemExit(fe.why_unavailable)
    if args.what == "parse":
        fe.compile(w.feelish)  # warm-up: the grammar tables are built on first use
        print(profile_call(fe.compile, w.feelish, args.seconds, args.top, args.sort))
    else:
        f = fe.evaluator(fe.compiled_for_eval(w.feelish))
        print(profile_call(f, w.variables, args.seconds, args.top, args.sort))


def _profile_connector(conn, args) -> str:
    from . import http_suite
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(500):
        conn.run(http_suite.VARIABLES)
    prof.disable()
    out = io.StringIO()
    out.write("500 connector calls profiled\n")
    pstats.Stats(prof, stream=out).sort_stats(args.sort).print_stats(args.top)
    return out.getvalue()


if __name__ == "__main__":
    main()
