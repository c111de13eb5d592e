"""HTTP workloads against bench.server (a subprocess on 127.0.0.1).

* sequential: a feelish connector call (expressions -> request -> response mapping) vs the same
  request made by hand with one reused ``httpx2.Client`` (JSON decoded, three fields picked);
  blocks of calls alternate between the two so drifting machine load hits both alike; the
  median of the per-block times is compared.  A new client per request is measured for scale.
* async: rounds of 50 concurrent calls, ``run_async`` vs a reused ``httpx2.AsyncClient``;
  throughput (calls/s) over all rounds.
"""
from __future__ import annotations

import asyncio
import statistics
import time

import httpx2

from . import auth_suite, connector_adapter
from .compare import same
from .serverproc import running_server
from .timing import fmt_ratio, fmt_time

VARIABLES = {"orderId": 7, "page": 2}


def _map(doc: dict) -> dict:
    d = doc["data"]
    return {"id": d["id"], "firstTag": d["tags"][0], "city": d["owner"]["address"]["city"]}


def raw_call(client: httpx2.Client, base: str, v: dict) -> dict:
    r = client.get(f"{base}/orders/{v['orderId']}", params={"page": v["page"], "limit": 50})
    r.raise_for_status()
    return _map(r.json())


async def raw_call_async(client: httpx2.AsyncClient, base: str, v: dict) -> dict:
    r = await client.get(f"{base}/orders/{v['orderId']}", params={"page": v["page"], "limit": 50})
    r.raise_for_status()
    return _map(r.json())


def new_client_call(base: str, v: dict) -> dict:
    with httpx2.Client() as client:
        return raw_call(client, base, v)


def _blocks(fns: dict, n: int, block: int) -> dict:
    """Alternate blocks of `block` calls per function until each made n; seconds/call per block."""
    per = {k: [] for k in fns}
    for _ in range(max(1, n // block)):
        for name, fn in fns.items():
            t = time.perf_counter()
            for _ in range(block):
                fn()
            per[name].append((time.perf_counter() - t) / block)
    return {k: statistics.median(v) for k, v in per.items()}


def sequential(base: str, conn, n: int) -> dict:
    want = _map(httpx2.get(f"{base}/orders/7").json())
    out: dict = {"calls": n}
    with httpx2.Client() as client:
        fns = {"raw": lambda: raw_call(client, base, VARIABLES)}
        if conn is not None:
            got = conn.run(VARIABLES)
            if not same(got, want):
                return dict(out, status="wrong", reason=f"connector returned {got!r:.200}")
            fns["connector"] = lambda: conn.run(VARIABLES)
        for fn in fns.values():  # warm up: connections, caches
            for _ in range(20):
                fn()
        out.update({f"{k}_s": v for k, v in _blocks(fns, n, max(10, n // 20)).items()})
    nc = max(20, n // 20)
    t = time.perf_counter()
    for _ in range(nc):
        new_client_call(base, VARIABLES)
    out["new_client_s"] = (time.perf_counter() - t) / nc
    out["new_client_vs_raw"] = out["new_client_s"] / out["raw_s"]
    if conn is not None:
        out["connector_vs_raw"] = out["connector_s"] / out["raw_s"]
        out["status"] = "ok"
    return out


async def _concurrent(base: str, conn, rounds: int, width: int) -> dict:
    want = _map(httpx2.get(f"{base}/orders/7").json())
    totals = {"raw": 0.0, "connector": 0.0}
    async with httpx2.AsyncClient() as client:
        fns = {"raw": lambda: raw_call_async(client, base, VARIABLES)}
        if conn is not None:
            got = await conn.run_async(VARIABLES)
            if not same(got, want):
                return {"status": "wrong", "reason": f"connector returned {got!r:.200}"}
            fns["connector"] = lambda: conn.run_async(VARIABLES)
        for fn in fns.values():  # warm-up round: opens the pool's connections
            await asyncio.gather(*(fn() for _ in range(width)))
        for _ in range(rounds):
            for name, fn in fns.items():
                t = time.perf_counter()
                results = await asyncio.gather(*(fn() for _ in range(width)))
                totals[name] += time.perf_counter() - t
                assert len(results) == width
    out = {"rounds": rounds, "concurrency": width,
           "raw_calls_per_s": rounds * width / totals["raw"]}
    if conn is not None:
        out["connector_calls_per_s"] = rounds * width / totals["connector"]
        out["throughput_vs_raw"] = out["connector_calls_per_s"] / out["raw_calls_per_s"]
        out["status"] = "ok"
    return out


def run(quick: bool = False, log=print) -> dict:
    n = 200 if quick else 2000
    rounds = 4 if quick else 30
    res: dict = {"server": "bench.server: asyncio HTTP/1.1 keep-alive server in a subprocess"}
    with running_server() as base:
        conn, why = connector_adapter.order_connector(base)
        res["connector"] = "available" if conn is not None else f"unavailable: {why}"
        log(f"  sequential, {n} calls each ...")
        res["sequential"] = sequential(base, conn, n)
        log(f"  async, {rounds} rounds of 50 concurrent calls ...")
        res["async"] = asyncio.run(_concurrent(base, conn, rounds, 50))
        if conn is not None:
            connector_adapter.close(conn)
    log("  OAuth2 token requests ...")
    res["tokens"] = auth_suite.run(quick=quick, log=log)
    res["targets"] = targets(res)
    return res


def targets(res: dict) -> dict:
    seq, asy, tok = res["sequential"], res["async"], res["tokens"]
    t = {}
    r = seq.get("connector_vs_raw")
    t["connector_sequential_le_1.15x_raw"] = {"measured": r, "target": 1.15,
                                               "met": r is not None and r <= 1.15}
    r = asy.get("throughput_vs_raw")
    t["async_50_throughput_ge_0.95x_raw"] = {"measured": r, "target": 0.95,
                                              "met": r is not None and r >= 0.95}
    for key in ("sequential", "concurrent_async", "concurrent_threads"):
        c = tok.get(key, {})
        t[f"token_requests_{key}"] = {"measured": c.get("token_requests"), "target": 1,
                                      "met": c.get("token_requests") == 1}
    pl = tok.get("per_lifetime", {})
    t["token_requests_one_per_lifetime"] = {
        "measured": pl.get("token_requests"), "target": pl.get("expected"), "met": bool(pl.get("met"))}
    return t


def table(res: dict) -> str:
    seq, asy, tok = res["sequential"], res["async"], res["tokens"]
    out = ["### HTTP (local server: " + res["server"] + ")", "",
           f"Connector: {res['connector']}.", "",
           "| measurement | raw httpx2 (reused client) | feelish connector | ratio |",
           "|---|---:|---:|---:|",
           f"| sequential, time per call ({seq['calls']} calls) | {fmt_time(seq.get('raw_s'))} | "
           f"{fmt_time(seq.get('connector_s'))} | {fmt_ratio(seq.get('connector_vs_raw'))} |",
           f"| async, 50 concurrent, calls/s ({asy.get('rounds')} rounds) | "
           f"{asy.get('raw_calls_per_s', 0):,.0f} | "
           + (f"{asy['connector_calls_per_s']:,.0f}" if "connector_calls_per_s" in asy else "—")
           + f" | {fmt_ratio(asy.get('throughput_vs_raw'))} |",
           f"| for scale: a new httpx2.Client per call | {fmt_time(seq.get('raw_s'))} | "
           f"{fmt_time(seq.get('new_client_s'))} (new client) | {fmt_ratio(seq.get('new_client_vs_raw'))} |",
           ""]
    for part in (seq, asy):
        if part.get("status") == "wrong":
            out.append(f"- WRONG result, not timed: {part['reason']}")
    out += [auth_suite.table(tok), "", "### HTTP targets", "", "| target | measured | met |",
            "|---|---|---|"]
    for name, tg in res["targets"].items():
        m = tg["measured"]
        m = fmt_ratio(m) if isinstance(m, float) else ("—" if m is None else str(m))
        out.append(f"| {name} | {m} | {'yes' if tg['met'] else '**no**'} |")
    return "\n".join(out)
