"""HTTP workloads against bench.server (a subprocess on 127.0.0.1), all in one run.

* sequential: a feelish connector call (expressions -> request -> response mapping) on its
  default transport (curl) and on the urllib3 and httpx2 ones, vs the same request made by hand
  (JSON decoded, three fields picked) with a reused ``httpx2.Client``, urllib3, pycurl, aiohttp
  (one call at a time) and a raw-socket client; blocks of calls rotate through all of them so
  drifting machine load hits each alike; the median time per call and the spread (quartiles)
  of the per-block times are reported.  A new httpx2 client per request is measured for scale.
* async: N calls with 1, 10, 50 and 200 in flight, ``run_async`` (each transport) vs a
  reused ``httpx2.AsyncClient`` and aiohttp; rounds rotate through every (client, width);
  throughput (calls/s) is the median over rounds.
"""
from __future__ import annotations

import asyncio
import statistics
import time

import httpx2

from . import auth_suite, connector_adapter, http_peers
from .compare import same
from .serverproc import running_server
from .timing import fmt_ratio, fmt_time

VARIABLES = {"orderId": 7, "page": 2}
WIDTHS = (1, 10, 50, 200)
_map = http_peers.pick


def raw_call(client: httpx2.Client, base: str, v: dict) -> dict:
    r = client.get(f"{base}/orders/{v['orderId']}", params={"page": v["page"], "limit": 50})
    r.raise_for_status()
    return _map(r.json())


def new_client_call(base: str, v: dict) -> dict:
    with httpx2.Client() as client:
        return raw_call(client, base, v)


def spread(values: list[float]) -> dict:
    """Median and quartiles of a list of measurements."""
    if len(values) < 4:
        return {"median": statistics.median(values), "q1": min(values), "q3": max(values)}
    q1, _, q3 = statistics.quantiles(values, n=4)
    return {"median": statistics.median(values), "q1": q1, "q3": q3}


def _blocks(fns: dict, n: int, block: int) -> dict:
    """Rotate blocks of `block` calls through the functions until each made n; seconds/call."""
    per = {k: [] for k in fns}
    for _ in range(max(1, n // block)):
        for name, fn in fns.items():
            t = time.perf_counter()
            for _ in range(block):
                fn()
            per[name].append((time.perf_counter() - t) / block)
    return {k: spread(v) for k, v in per.items()}


def _connectors(base: str) -> tuple[dict, dict]:
    conns, why = {}, {}
    for label, transport in (("feelish", "curl"), ("feelish (urllib3 transport)", "urllib3"),
                             ("feelish (httpx2 transport)", "httpx2")):
        conn, reason = connector_adapter.order_connector(base, transport=transport)
        if conn is None:
            why[label] = reason
        else:
            conns[label] = conn
    return conns, why


def sequential(base: str, conns: dict, n: int) -> dict:
    want = _map(httpx2.get(f"{base}/orders/7").json())
    out: dict = {"calls": n, "missing": {}}
    fns, closers = {}, []
    for label, conn in conns.items():
        got = conn.run(VARIABLES)
        if not same(got, want):
            return dict(out, status="wrong", reason=f"{label} returned {got!r:.200}")
        fns[label] = (lambda c: lambda: c.run(VARIABLES))(conn)
    for label, factory in http_peers.SYNC.items():
        try:
            call, close = factory(base)
        except ImportError as exc:
            out["missing"][label] = str(exc)
            continue
        if not same(call(), want):
            return dict(out, status="wrong", reason=f"{label} peer returned a different result")
        fns[label], _ = call, closers.append(close)
    try:
        for fn in fns.values():  # warm up: connections, caches
            for _ in range(20):
                fn()
        out["per_call"] = _blocks(fns, n, max(10, n // 20))
    finally:
        for close in closers:
            close()
    nc = max(20, n // 50)
    t = time.perf_counter()
    for _ in range(nc):
        new_client_call(base, VARIABLES)
    out["new_client_s"] = (time.perf_counter() - t) / nc
    out["status"] = "ok"
    return out


async def _run_width(call, total: int, width: int) -> float:
    """Seconds for `total` calls with `width` of them in flight at any time."""
    left = [total]

    async def worker():
        while left[0] > 0:
            left[0] -= 1
            await call()
    t = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(min(width, total))))
    return time.perf_counter() - t


async def _concurrent(base: str, conns: dict, rounds: int, total: int) -> dict:
    want = _map(httpx2.get(f"{base}/orders/7").json())
    fns, closers, missing = {}, [], {}
    for label, conn in conns.items():
        got = await conn.run_async(VARIABLES)
        if not same(got, want):
            return {"status": "wrong", "reason": f"{label} returned {got!r:.200}"}
        fns[label] = (lambda c: lambda: c.run_async(VARIABLES))(conn)
    for label, factory in http_peers.ASYNC.items():
        try:
            call, close = await factory(base)
        except ImportError as exc:
            missing[label] = str(exc)
            continue
        fns[label], _ = call, closers.append(close)
    sync_conn = conns.get("feelish")
    per: dict = {(k, w): [] for k in fns for w in WIDTHS}
    per[("feelish sync, sequential", 1)] = []
    try:
        for fn in fns.values():  # warm-up: opens the pools' connections
            await _run_width(fn, max(WIDTHS), max(WIDTHS))
        for _ in range(rounds):  # one round: every width, every client side by side
            for width in WIDTHS:
                for name, fn in fns.items():
                    per[(name, width)].append(total / await _run_width(fn, total, width))
            if sync_conn is not None:  # the sync path, in the same round (blocking the loop)
                t = time.perf_counter()
                for _ in range(total):
                    sync_conn.run(VARIABLES)
                per[("feelish sync, sequential", 1)].append(total / (time.perf_counter() - t))
    finally:
        for close in closers:
            await close()
    table = {name: {str(w): spread(per[(name, w)]) for w in WIDTHS} for name in fns}
    return {"rounds": rounds, "calls_per_round": total, "calls_per_s": table, "missing": missing,
            "per_round": {f"{k[0]}@{k[1]}": v for k, v in per.items()}, "status": "ok"}


def round_ratio(asy: dict, a: str, b: str) -> dict | None:
    """Median (and quartiles) over rounds of a's calls/s ÷ b's in the same round."""
    rows = asy.get("per_round", {})
    if a not in rows or b not in rows or not rows[a] or not rows[b]:
        return None
    return spread([x / y for x, y in zip(rows[a], rows[b])])


def run(quick: bool = False, log=print) -> dict:
    n = 200 if quick else 1000
    rounds = 3 if quick else 15
    total = 100 if quick else 200
    res: dict = {"server": "bench.server: asyncio HTTP/1.1 keep-alive server in a subprocess"}
    with running_server() as base:
        conns, why = _connectors(base)
        res["connector"] = "available" if conns else f"unavailable: {why}"
        log(f"  sequential, {n} calls per client ...")
        res["sequential"] = sequential(base, conns, n)
        log(f"  async, {rounds} rounds of {total} calls at {', '.join(map(str, WIDTHS))} in flight ...")
        res["async"] = asyncio.run(_concurrent(base, conns, rounds, total))
        for conn in conns.values():
            connector_adapter.close(conn)
    log("  OAuth2 token requests ...")
    res["tokens"] = auth_suite.run(quick=quick, log=log)
    res["targets"] = targets(res)
    return res


def _median(part: dict, *keys):
    node = part
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            return None
    return node["median"]


def _target(ratio: dict | None, goal: float) -> dict:
    """A per-round ratio against its goal; the quartiles go along."""
    if ratio is None:
        return {"measured": None, "target": goal, "met": False}
    return {"measured": ratio["median"], "spread": [ratio["q1"], ratio["q3"]], "target": goal,
            "met": ratio["median"] >= goal}


def targets(res: dict) -> dict:
    seq, asy, tok = res["sequential"], res["async"], res["tokens"]
    t = {}
    mine, raw = _median(seq, "per_call", "feelish"), _median(seq, "per_call", "httpx2")
    r = raw / mine if mine and raw else None
    t["sync_call_ge_1.3x_raw_httpx2_throughput"] = {"measured": r, "target": 1.3,
                                                     "met": r is not None and r >= 1.3}
    r = round_ratio(asy, "feelish@50", "httpx2@50")
    t["async_50_in_flight_ge_1.5x_raw_httpx2"] = _target(r, 1.5)
    r = round_ratio(asy, "feelish@50", "feelish sync, sequential@1")
    t["async_50_ge_own_sequential_sync"] = _target(r, 1.0)
    steps = [round_ratio(asy, f"feelish@{b}", f"feelish@{a}") for a, b in zip(WIDTHS, WIDTHS[1:])]
    worst = min((s for s in steps if s), key=lambda s: s["median"], default=None)
    t["async_more_in_flight_not_slower_(worst_step,_>=0.95)"] = _target(worst, 0.95)
    for key in ("sequential", "concurrent_async", "concurrent_threads"):
        c = tok.get(key, {})
        t[f"token_requests_{key}"] = {"measured": c.get("token_requests"), "target": 1,
                                      "met": c.get("token_requests") == 1}
    pl = tok.get("per_lifetime", {})
    t["token_requests_one_per_lifetime"] = {
        "measured": pl.get("token_requests"), "target": pl.get("expected"), "met": bool(pl.get("met"))}
    return t


def _cell(s: dict | None, fmt) -> str:
    if not s:
        return "—"
    return f"{fmt(s['median'])} ({fmt(s['q1'])}–{fmt(s['q3'])})"


def _rate(x: float) -> str:
    return f"{x:,.0f}"


def table(res: dict) -> str:
    seq, asy, tok = res["sequential"], res["async"], res["tokens"]
    out = ["### HTTP (local server: " + res["server"] + ")", "",
           f"Connector: {res['connector']}.  One run; blocks and rounds interleave every client, "
           "so the ratios hold even on a loaded machine while the absolute times drift.", ""]
    per = seq.get("per_call", {})
    mine = _median(seq, "per_call", "feelish")
    if per:
        out += [f"Sequential, one call at a time ({seq['calls']} calls each): median time per call "
                "(quartiles of the per-block times); throughput of feelish ÷ the client's.", "",
                "| client | time per call | feelish throughput ÷ this |", "|---|---:|---:|"]
        for name, s in per.items():
            ratio = s["median"] / mine if mine else None
            out.append(f"| {name} | {_cell(s, fmt_time)} | {fmt_ratio(ratio)} |")
        out += [f"| for scale: a new httpx2.Client per call | {fmt_time(seq.get('new_client_s'))} | |", ""]
    table_ = asy.get("calls_per_s", {})
    if table_:
        out += [f"Async: calls/s, median (quartiles) over {asy['rounds']} rounds of "
                f"{asy['calls_per_round']} calls each, N in flight.", "",
                "| client | " + " | ".join(f"{w} in flight" for w in WIDTHS) + " |",
                "|---|" + "---:|" * len(WIDTHS)]
        for name, row in table_.items():
            out.append(f"| {name} | " + " | ".join(_cell(row[str(w)], _rate) for w in WIDTHS) + " |")
        own = asy.get("per_round", {}).get("feelish sync, sequential@1")
        if own:
            rates = spread(own)
            out.append(f"| feelish sync, sequential (same rounds) | {_cell(rates, _rate)} | | | |")
        out.append("")
    for part in (seq, asy):
        if part.get("status") == "wrong":
            out.append(f"- WRONG result, not timed: {part['reason']}")
        for name, why in part.get("missing", {}).items():
            out.append(f"- {name}: not installed ({why})")
    out += [auth_suite.table(tok), "", "### HTTP targets", "",
            "Async ratios: median over rounds of the per-round ratio (quartiles in brackets).", "",
            "| target | measured | met |", "|---|---|---|"]
    for name, tg in res["targets"].items():
        m = tg["measured"]
        m = fmt_ratio(m) if isinstance(m, float) else ("—" if m is None else str(m))
        if "spread" in tg:
            m += f" ({fmt_ratio(tg['spread'][0])}–{fmt_ratio(tg['spread'][1])})"
        out.append(f"| {name} | {m} | {'yes' if tg['met'] else '**no**'} |")
    return "\n".join(out)
