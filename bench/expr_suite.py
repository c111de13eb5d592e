"""Expression workloads: parse+compile and evaluation time, feelish vs peers vs the floor."""
from __future__ import annotations

import statistics
import sys
import traceback

from . import engines, timing
from .compare import same
from .workloads import Workload, workloads

ENGINES = ("feelish",) + engines.PEERS


def _short(exc: BaseException) -> str:
    text = f"{exc.__class__.__name__}: {exc}".splitlines()[0]
    return text[:160]


def run_workload(w: Workload, engs: dict, settings: timing.Settings) -> dict:
    floor_eng = engines.Floor()
    floor = floor_eng.compile(w.python)
    want = floor(w.variables)
    row = {
        "key": w.key, "title": w.title, "feelish_text": w.feelish,
        "engines": {},
    }
    evals = {"floor": (floor, w.variables)}
    parses = {"cpython": (engines.CPythonCompile().compile, w.python)}
    for name in ENGINES:
        eng = engs[name]
        text = w.feelish if name == "feelish" else w.texts.get(name)
        cell: dict = {}
        row["engines"][name] = cell
        if not eng.available:
            cell.update(status="unavailable", reason=eng.why_unavailable)
            continue
        if text is None:
            cell.update(status="cannot", reason=w.cannot.get(name, "cannot express it"))
            continue
        try:
            eng.compile(text)  # the timed path must work too
            compiled = eng.compiled_for_eval(text)
            prepared = eng.prepare(w.variables)
            f = eng.evaluator(compiled)
            got = eng.plain(f(prepared))
        except Exception as exc:  # a peer's failure is a finding, not a crash of the suite
            cell.update(status="error", reason=_short(exc))
            if name == "feelish":
                traceback.print_exc(limit=3, file=sys.stderr)
            continue
        if not same(got, want):
            cell.update(status="wrong", reason=f"returned {got!r:.120} instead of {want!r:.120}")
            continue
        cell["status"] = "ok"
        evals[name] = (f, prepared)
        parses[name] = (eng.compile, text)
    ev = timing.interleaved(evals, settings)
    pa = timing.interleaved(parses, settings)
    row["floor_eval_s"] = statistics.median(ev["floor"])
    row["cpython_compile_s"] = statistics.median(pa["cpython"])
    for name in evals:
        if name == "floor":
            continue
        row["engines"][name].update(
            parse_s=statistics.median(pa[name]), eval_s=statistics.median(ev[name]),
            eval_vs_floor=timing.ratio(ev[name], ev["floor"]),
            parse_vs_cpython=timing.ratio(pa[name], pa["cpython"]))
        row["engines"][name]["_ev"], row["engines"][name]["_pa"] = ev[name], pa[name]
    fe = row["engines"]["feelish"]
    if fe.get("status") == "ok":
        for name in ("cel-python", "bkflow-feel", "simpleeval", "jmespath"):
            pe = row["engines"][name]
            if pe.get("status") == "ok":
                pe["feelish_parse_ratio"] = timing.ratio(fe["_pa"], pe["_pa"])
                pe["feelish_eval_ratio"] = timing.ratio(fe["_ev"], pe["_ev"])
    for cell in row["engines"].values():  # per-round times stay in the JSON, under clear names
        if "_ev" in cell:
            cell["eval_rounds_s"], cell["parse_rounds_s"] = cell.pop("_ev"), cell.pop("_pa")
    row["floor_eval_rounds_s"], row["cpython_compile_rounds_s"] = ev["floor"], pa["cpython"]
    return row


def summarise(rows: list[dict]) -> dict:
    out: dict = {"engines": {}}
    for name in ENGINES:
        oks = [r["engines"][name] for r in rows if r["engines"][name].get("status") == "ok"]
        ev = [c["eval_vs_floor"] for c in oks]
        pc = [c["parse_vs_cpython"] for c in oks]
        out["engines"][name] = {
            "workloads_ok": len(oks),
            "eval_vs_floor_geomean": timing.geomean(ev),
            "eval_vs_floor_min": min(ev) if ev else None,
            "eval_vs_floor_max": max(ev) if ev else None,
            "parse_vs_cpython_geomean": timing.geomean(pc),
        }
    f = out["engines"]["feelish"]
    targets = {}
    if f["workloads_ok"]:
        targets["eval_geomean_le_8x_floor"] = {
            "measured": f["eval_vs_floor_geomean"], "target": 8.0,
            "workloads": f["workloads_ok"],
            "met": f["eval_vs_floor_geomean"] <= 8.0 and f["workloads_ok"] == len(rows)}
        targets["parse_geomean_le_4x_cpython_compile"] = {
            "measured": f["parse_vs_cpython_geomean"], "target": 4.0,
            "met": f["parse_vs_cpython_geomean"] <= 4.0 and f["workloads_ok"] == len(rows)}
        for key, field, target in (("eval_geomean_le_4x_floor", "eval_vs_floor_geomean", 4.0),
                                   ("parse_geomean_le_2x_cpython_compile", "parse_vs_cpython_geomean", 2.0)):
            targets[key] = {"measured": f[field], "target": target,  # issue 14
                            "met": f[field] <= target and f["workloads_ok"] == len(rows)}
        slower_eval, slower_parse = [], []
        for r in rows:
            fe = r["engines"]["feelish"]
            for name in engines.PEERS:
                pe = r["engines"][name]
                if fe.get("status") == "ok" and pe.get("status") == "ok":
                    if pe["feelish_eval_ratio"] >= 1:
                        slower_eval.append(f"({r['key']}) {name} {pe['feelish_eval_ratio']:.2f}×")
                    if name in ("cel-python", "bkflow-feel") and pe["feelish_parse_ratio"] >= 1:
                        slower_parse.append(f"({r['key']}) {name} {pe['feelish_parse_ratio']:.2f}×")
        targets["eval_faster_than_every_peer"] = {"losses": slower_eval, "met": not slower_eval}
        targets["parse_faster_than_lark_peers"] = {"losses": slower_parse, "met": not slower_parse}
    missing = [f"({r['key']}) {r['engines']['feelish'].get('status')}" for r in rows
               if r["engines"]["feelish"].get("status") != "ok"]
    targets["feelish_expresses_every_workload"] = {"missing": missing, "met": not missing}
    out["targets"] = targets
    return out


def run(settings: timing.Settings, only: str | None = None, log=print) -> dict:
    engs = {"feelish": engines.Feelish()}
    engs.update({name: engines.peer(name) for name in engines.PEERS})
    rows = []
    for w in workloads():
        if only and w.key not in only:
            continue
        log(f"  expr ({w.key}) {w.title} ...")
        rows.append(run_workload(w, engs, settings))
    return {"workloads": rows, "summary": summarise(rows),
            "feelish_parse_path": getattr(engs["feelish"], "parse_path", None)}
