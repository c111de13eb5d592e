"""Markdown tables from the JSON results."""
from __future__ import annotations

from .engines import PEERS
from .timing import fmt_ratio, fmt_time

_MARK = {"cannot": "n/e", "unavailable": "n/a", "error": "error", "wrong": "WRONG"}


def _cell(c: dict, key: str) -> str:
    if c.get("status") == "ok":
        return fmt_ratio(c[key])
    return _MARK.get(c.get("status"), "?")


def expr_tables(res: dict) -> str:
    rows = res["workloads"]
    names = ("feelish",) + PEERS
    out = ["### Evaluation of a compiled expression (time per call ÷ hand-written Python)", "",
           "Each ratio is the median of per-round ratios; rounds interleave all engines.", "",
           "| workload | Python floor | " + " | ".join(names) + " |",
           "|---|---:|" + "---:|" * len(names)]
    for r in rows:
        out.append(f"| ({r['key']}) {r['title']} | {fmt_time(r['floor_eval_s'])} | "
                   + " | ".join(_cell(r["engines"][n], "eval_vs_floor") for n in names) + " |")
    s = res["summary"]["engines"]
    out.append("| **geometric mean** (workloads it expresses) | | "
               + " | ".join(f"**{fmt_ratio(s[n]['eval_vs_floor_geomean'])}** ({s[n]['workloads_ok']})"
                            for n in names) + " |")
    out += ["", "### Parse + compile (time ÷ CPython `compile()` of the equivalent lambda)", "",
            f"feelish timed through `{res.get('feelish_parse_path')}` (no result cache).", "",
            "| workload | CPython compile() | " + " | ".join(names)
            + " | feelish ÷ cel-python | feelish ÷ bkflow-feel |",
            "|---|---:|" + "---:|" * (len(names) + 2)]
    for r in rows:
        e = r["engines"]
        vs = [fmt_ratio(e[p].get("feelish_parse_ratio")) for p in ("cel-python", "bkflow-feel")]
        out.append(f"| ({r['key']}) | {fmt_time(r['cpython_compile_s'])} | "
                   + " | ".join(_cell(e[n], "parse_vs_cpython") for n in names)
                   + " | " + " | ".join(vs) + " |")
    out.append("| **geometric mean** | | "
               + " | ".join(f"**{fmt_ratio(s[n]['parse_vs_cpython_geomean'])}**" for n in names)
               + " | | |")
    notes = []
    for r in rows:
        for n in names:
            c = r["engines"][n]
            if c.get("status") != "ok":
                notes.append(f"- ({r['key']}) {n}: {_MARK.get(c['status'], '?')} — {c.get('reason', '')}")
    if notes:
        out += ["", "n/e = the engine cannot express the workload; n/a = not available; "
                "WRONG = returned a different result than the floor (not timed).", ""] + notes
    return "\n".join(out)


def targets_table(targets: dict) -> str:
    out = ["| target | measured | met |", "|---|---|---|"]
    for name, t in targets.items():
        m = t.get("measured")
        if isinstance(m, float):
            m = fmt_ratio(m) + (f" (target ≤ {t['target']:g}×)" if "target" in t else "")
        elif m is None:
            m = "; ".join(t.get("losses") or t.get("missing") or []) or "—"
        out.append(f"| {name} | {m} | {'yes' if t.get('met') else '**no**'} |")
    return "\n".join(out)


def all_targets(results: dict) -> str:
    """Every target of issues 6 and 14 in one table, from whichever parts ran."""
    rows: list[tuple[str, str, bool | None]] = []
    if "expr" in results:
        t = results["expr"]["summary"]["targets"]
        for key, label in (("eval_geomean_le_8x_floor", "evaluation geomean ≤ 8× hand-written Python"),
                           ("eval_faster_than_every_peer", "evaluation faster than every peer, every workload"),
                           ("parse_geomean_le_4x_cpython_compile", "parse+compile geomean ≤ 4× CPython compile()"),
                           ("parse_faster_than_lark_peers", "parse+compile faster than cel-python and bkflow-feel"),
                           ("feelish_expresses_every_workload", "feelish expresses all 12 workloads"),
                           ("eval_geomean_le_4x_floor", "evaluation geomean ≤ 4× hand-written Python (issue 14)"),
                           ("parse_geomean_le_2x_cpython_compile", "parse+compile geomean ≤ 2× CPython compile() (issue 14)")):
            if key in t:
                m = t[key].get("measured")
                shown = fmt_ratio(m) if isinstance(m, float) else (
                    "; ".join(t[key].get("losses") or t[key].get("missing") or []) or "no exceptions")
                rows.append((label, shown, t[key]["met"]))
    if "http" in results:
        t = results["http"]["targets"]
        for key, label in (("sync_call_ge_1.3x_raw_httpx2_throughput", "sync connector call ≥ 1.3× the throughput of a reused httpx2.Client"),
                           ("async_50_in_flight_ge_1.5x_raw_httpx2", "async, 50 in flight ≥ 1.5× raw httpx2.AsyncClient at 50"),
                           ("async_50_ge_own_sequential_sync", "async, 50 in flight ≥ feelish's own sequential sync"),
                           ("async_more_in_flight_not_slower_(worst_step,_>=0.95)", "async: more in flight never slower (1→10→50→200, each step ≥ 0.95×)"),
                           ("token_requests_sequential", "1 token request over 1,000 calls"),
                           ("token_requests_concurrent_async", "1 token request, 100 async calls at once"),
                           ("token_requests_concurrent_threads", "1 token request, 100 threads at once"),
                           ("token_requests_one_per_lifetime", "1 token request per lifetime (3.5 short lifetimes)")):
            if key not in t:
                continue
            m = t[key]["measured"]
            rows.append((label, fmt_ratio(m) if isinstance(m, float) else str(m), t[key]["met"]))
    if "memory" in results and results["memory"].get("status") == "ok":
        mem = results["memory"]
        c = mem["feelish_compile"]
        rows.append((f"peak of {c['count']:,} compiled expressions (no target; reported)",
                     f"{c['peak_bytes'] / 2**20:.1f} MiB ({c['retained_per_expr']:,.0f} B each)", None))
        for key, label in (("evaluate_clean", "evaluations"), ("evaluate_warning", "evaluations with a warning")):
            r = mem[key]
            rows.append((f"{r['evaluations']:,} {label}: no growth", f"{r['growth_bytes']:,} B", r["met"]))
    for part, key, label in (
            ("cold", "cold_eval_le_8x_python", "cold start: `feelish eval '1+1'` ≤ 8× `python3 -c pass` (issue 14)"),
            ("sort", "sort_le_8x_floor", "sort with a FEEL comparator ≤ 8× the hand-written floor (issue 14)"),
            ("sort", "sort_100k_default_limits", "sort 100,000 items under the default limits (issue 14)")):
        t = results.get(part, {}).get("targets", {}).get(key)
        if t is not None:
            m = t.get("measured")
            rows.append((label, fmt_ratio(m) if isinstance(m, float) else str(m), t["met"]))
    out = ["### All targets (issues 6 and 14)", "", "| target | measured | met |", "|---|---|---|"]
    for label, shown, met in rows:
        out.append(f"| {label} | {shown} | {'—' if met is None else ('yes' if met else '**no**')} |")
    return "\n".join(out)
