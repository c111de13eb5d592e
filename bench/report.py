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
