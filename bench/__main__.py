"""``python3 -m bench [expr] [http] [memory] [cold] [sort] [--quick] [--only abc] [--out FILE]``"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from importlib import metadata

from . import report, timing

PARTS = ("expr", "sort", "http", "memory", "cold")


def _versions() -> dict:
    out = {}
    for dist in ("feelish", "httpx2", "lark", "simpleeval", "jmespath", "cel-python", "bkflow-feel"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m bench", description=__doc__)
    ap.add_argument("parts", nargs="*", metavar="part",
                    help="which parts to run: " + ", ".join(PARTS) + " (default: all)")
    ap.add_argument("--quick", action="store_true", help="short loops: a smoke run in well under a minute")
    ap.add_argument("--only", default="", help="expression workload letters to run, e.g. 'abl'")
    ap.add_argument("--out", default="bench-results/latest.json", help="where to write the JSON results")
    ap.add_argument("--docs", action="store_true",
                    help="also write docs/benchmarks.md and docs/benchmarks.json from this run")
    args = ap.parse_args(argv)
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        ap.error(f"unknown part {unknown[0]!r}; choose from {', '.join(PARTS)}")
    parts = args.parts or list(PARTS)
    settings = timing.Settings.quick() if args.quick else timing.Settings()

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    command = "python3 -m bench" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    results: dict = {
        "command": command,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(), "implementation": platform.python_implementation(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "quick": args.quick, "versions": _versions(),
        "settings": {"min_time_s": settings.min_time, "repeats": settings.repeats},
    }
    md = [f"## feelish benchmarks — `{command}`", "",
          f"{results['date']}, CPython {results['python']}, {results['machine']}"
          + (" — QUICK mode (short loops, noisy)" if args.quick else ""), ""]
    started = time.perf_counter()
    if "expr" in parts:
        from . import expr_suite
        log("expression workloads:")
        res = expr_suite.run(settings, only=args.only or None, log=log)
        results["expr"] = res
        md += [report.expr_tables(res), "", "### Expression targets", "",
               report.targets_table(res["summary"]["targets"]), ""]
    if "sort" in parts:
        from . import sort_suite
        log("sorting:")
        res = sort_suite.run(settings, log=log)
        results["sort"] = res
        md += [sort_suite.table(res), ""]
    if "http" in parts:
        from . import http_suite
        log("HTTP workloads:")
        res = http_suite.run(quick=args.quick, log=log)
        results["http"] = res
        md += [http_suite.table(res), ""]
    if "memory" in parts:
        from . import memory_suite
        log("memory:")
        res = memory_suite.run(quick=args.quick, log=log)
        results["memory"] = res
        md += [memory_suite.table(res), ""]
    if "cold" in parts:
        from . import cold_suite
        log("cold start:")
        res = cold_suite.run(quick=args.quick, log=log)
        results["cold"] = res
        md += [cold_suite.table(res), ""]
    md += [report.all_targets(results), ""]
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    md.append(f"_Total run time {results['elapsed_s']} s._")
    text = "\n".join(md)
    results["markdown"] = text
    out_dir = os.path.dirname(args.out)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=1, default=str)
    print(text)
    log(f"JSON written to {args.out}")
    if args.docs:
        from . import docs
        docs.write(results)
        log("docs/benchmarks.md and docs/benchmarks.json written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
