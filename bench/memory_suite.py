"""Memory: the peak of 10,000 compiled expressions, and 1,000,000 evaluations without growth.

Measured with the standard library's tracemalloc (Python allocations).  The expressions differ
by a literal so that no compile cache can fold them together.  For evaluation, traced memory is
read after a warm-up and then at ten checkpoints; growth = last checkpoint - first checkpoint.  A second
run evaluates an expression that raises a warning on every call (a missing path), so warnings
that pile up somewhere would show as growth.
"""
from __future__ import annotations

import gc
import time
import tracemalloc

from . import data, engines
from .timing import fmt_ratio

VARIABLES = {"response": {"status": 200, "body": data.response_body()}, "page": 3}
CLEAN = "{id: response.body.data.id, city: response.body.data.owner.address.city, next: page + 1}"
WARNS = "{id: response.body.data.id, missing: response.body.nothing.here}"
GROWTH_LIMIT = 256 * 1024


def _variant(i: int) -> str:
    return ("{id: response.body.data.id, firstTag: response.body.data.tags[1], "
            f"city: response.body.data.owner.address.city, n: page + {i}}}")


def _py_variant(i: int) -> str:
    return ('lambda v: {"id": v["response"]["body"]["data"]["id"], '
            '"firstTag": v["response"]["body"]["data"]["tags"][0], '
            f'"city": v["response"]["body"]["data"]["owner"]["address"]["city"], "n": v["page"] + {i}}}')


#: for scale: the same small mapping (paths + a distinct literal) in each peer
PEER_VARIANTS = {
    "simpleeval": lambda i: ('{"id": response["body"]["data"]["id"], '
                             f'"city": response["body"]["data"]["owner"]["address"]["city"], "n": {i}}}'),
    "jmespath": lambda i: ("{id: response.body.data.id, city: response.body.data.owner.address.city, "
                           f"n: `{i}`}}"),
    "cel-python": lambda i: ('{"id": response.body.data.id, "city": response.body.data.owner.address.city, '
                             f'"n": {i}}}'),
    "bkflow-feel": lambda i: ("{id: response.body.data.id, city: response.body.data.owner.address.city, "
                              f"n: {i}}}"),
}


def _feel_small(i: int) -> str:
    return f"{{id: response.body.data.id, city: response.body.data.owner.address.city, n: {i}}}"


def compiled_peak(compile_fn, texts: list[str]) -> dict:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    kept = [compile_fn(t) for t in texts]
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = len(kept)
    del kept
    return {"count": n, "retained_bytes": current - base, "peak_bytes": peak - base,
            "retained_per_expr": (current - base) / n, "peak_per_expr": (peak - base) / n}


def _connector_fields(i: int) -> dict:
    """The HTTP benchmark's order connector, made distinct by a literal."""
    from .connector_adapter import RESULT

    return {"method": '"GET"', "url": '"http://127.0.0.1:9/orders/" + string(orderId)',
            "queryParameters": f"{{page: page, limit: {50 + i}}}", "resultExpression": RESULT}


def compiled_connectors(n: int) -> dict:
    """Retained size of `n` distinct compiled connectors (one shared Runtime, built first)."""
    import feelish

    runtime = feelish.Runtime()
    try:
        fields = [_connector_fields(i) for i in range(n)]
        return compiled_peak(lambda f: feelish.Connector.from_mapping(f, inputs=["orderId", "page"],
                                                                      runtime=runtime), fields)
    finally:
        runtime.close()


def evaluation_growth(f, variables, n: int) -> dict:
    for _ in range(min(20_000, n // 10)):  # warm-up: caches fill before the baseline
        f(variables)
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    marks = []
    step = n // 10
    t = time.perf_counter()
    for _ in range(10):
        for _ in range(step):
            f(variables)
        gc.collect()
        marks.append(tracemalloc.get_traced_memory()[0] - start)
    elapsed = time.perf_counter() - t
    tracemalloc.stop()
    growth = marks[-1] - marks[0]  # over the last 90 %: one-time allocations excluded
    return {"evaluations": step * 10, "checkpoints_bytes": marks, "growth_bytes": growth,
            "total_bytes": marks[-1],
            "seconds_traced": round(elapsed, 2),
            "met": growth < GROWTH_LIMIT and growth / (step * 10) < 1.0}


def run(quick: bool = False, log=print) -> dict:
    n_expr = 2_000 if quick else 10_000
    n_eval = 100_000 if quick else 1_000_000
    res: dict = {}
    py = engines.CPythonCompile()
    log(f"  {n_expr} compiled expressions ...")
    res["cpython_compile"] = compiled_peak(lambda s: eval(py.compile(s)),
                                           [_py_variant(i) for i in range(n_expr)])
    fe = engines.Feelish()
    if not fe.available:
        res["status"] = "unavailable"
        res["reason"] = fe.why_unavailable
        return res
    try:
        res["feelish_compile"] = compiled_peak(fe.compiled_for_eval, [_variant(i) for i in range(n_expr)])
        n_peer = n_expr // 10
        log(f"  {n_peer:,} small compiled expressions per engine, for scale ...")
        small = {"feelish": compiled_peak(fe.compiled_for_eval, [_feel_small(i) for i in range(n_peer)])}
        for name, make in PEER_VARIANTS.items():
            eng = engines.peer(name)
            if eng.available:
                try:
                    small[name] = compiled_peak(eng.compiled_for_eval, [make(i) for i in range(n_peer)])
                except Exception as exc:
                    small[name] = {"error": f"{exc.__class__.__name__}: {str(exc)[:120]}"}
        res["small_compiled"] = small
        log(f"  {n_peer:,} compiled connectors ...")
        res["feelish_connectors"] = compiled_connectors(n_peer)
        log(f"  {n_eval:,} evaluations ...")
        res["evaluate_clean"] = evaluation_growth(fe.evaluator(fe.compiled_for_eval(CLEAN)), VARIABLES, n_eval)
        log(f"  {n_eval // 5:,} evaluations with a warning each ...")
        res["evaluate_warning"] = evaluation_growth(fe.evaluator(fe.compiled_for_eval(WARNS)), VARIABLES,
                                                    n_eval // 5)
        res["status"] = "ok"
    except Exception as exc:
        res["status"] = "error"
        res["reason"] = f"{exc.__class__.__name__}: {str(exc)[:200]}"
    return res


def _kib(b: float) -> str:
    return f"{b / 1024:,.1f} KiB"


def table(res: dict) -> str:
    out = ["### Memory (tracemalloc)", ""]
    py = res["cpython_compile"]
    rows = [("CPython compile() + eval of the equivalent lambda", py)]
    if "feelish_compile" in res:
        rows.insert(0, ("feelish.compile", res["feelish_compile"]))
    out += ["| compiled expressions kept alive | count | peak | retained | retained per expression |",
            "|---|---:|---:|---:|---:|"]
    for label, r in rows:
        out.append(f"| {label} | {r['count']:,} | {_kib(r['peak_bytes'])} | "
                   f"{_kib(r['retained_bytes'])} | {r['retained_per_expr']:,.0f} B |")
    conn = res.get("feelish_connectors")
    if conn:
        out.append(f"| feelish.Connector.from_mapping (the HTTP benchmark's connector) | {conn['count']:,} | "
                   f"{_kib(conn['peak_bytes'])} | {_kib(conn['retained_bytes'])} | "
                   f"{conn['retained_per_expr']:,.0f} B per connector |")
    if "feelish_compile" in res:
        out.append(f"\nfeelish retains {fmt_ratio(res['feelish_compile']['retained_per_expr'] / py['retained_per_expr'])}"
                   " the memory of a compiled Python lambda per expression.")
    small = res.get("small_compiled")
    if small:
        out += ["", "For scale, a small mapping (two paths and a distinct literal) compiled in each engine:", "",
                "| engine | count | retained per expression |", "|---|---:|---:|"]
        for name, r in small.items():
            shown = r["error"] if "error" in r else f"{r['retained_per_expr']:,.0f} B"
            out.append(f"| {name} | {r.get('count', '—')} | {shown} |")
    if res.get("status") != "ok":
        out.append(f"\nfeelish: {res.get('status')} — {res.get('reason')}")
        return "\n".join(out)
    out += ["", "| evaluations of one compiled expression | count | growth after warm-up | "
            "checkpoints (KiB) | no growth |", "|---|---:|---:|---|---|"]
    for label, key in (("clean", "evaluate_clean"), ("one warning per call", "evaluate_warning")):
        r = res[key]
        marks = " ".join(f"{m / 1024:.0f}" for m in r["checkpoints_bytes"])
        out.append(f"| {label} | {r['evaluations']:,} | {r['growth_bytes']:,} B | {marks} | "
                   f"{'yes' if r['met'] else '**no**'} |")
    return "\n".join(out)
