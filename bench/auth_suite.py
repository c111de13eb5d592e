"""OAuth2 token requests counted by the local token endpoint (the server's own counter).

1,000 sequential calls with one token lifetime (3,600 s), then 100 calls started at once (async
gather, and 100 threads released by a barrier), each with a fresh cache.  Then "one request per
lifetime": a short-lived token (1 s; 0.5 s in quick mode), a cache without refresh-ahead skew,
and back-to-back calls for 3.5 lifetimes: exactly 4 token requests are expected.  The calls go through a
feelish connector with client-credentials authentication when the runtime is available;
otherwise through ``feelish.auth.build_auth`` on a raw httpx2 client (the same token cache).
"""
from __future__ import annotations

import asyncio
import math
import threading
import time

import httpx2

from . import connector_adapter
from .serverproc import running_server

CLIENT = {"type": "oauth2-client-credentials", "clientId": "bench-client",
          "clientSecret": "bench-secret-value", "scopes": ["orders.read"]}


def _auth_text(base: str) -> str:
    return ('{type: "oauth2-client-credentials", tokenEndpoint: "' + base + '/token", '
            'clientId: "bench-client", clientSecret: "bench-secret-value", scopes: ["orders.read"]}')


def _stats(base: str) -> dict:
    return httpx2.get(base + "/stats").json()


def _reset(base: str) -> None:
    httpx2.post(base + "/reset")


class _RawPath:
    """feelish.auth on a raw client: used when the connector runtime is not available."""
    label = "feelish.auth.build_auth on a reused httpx2 client"

    def __init__(self, base: str, skew: float | None = None):
        from feelish.auth import TokenCache, build_auth
        self.base = base
        kw = {} if skew is None else {"skew": skew}
        self._make = lambda: build_auth(dict(CLIENT, tokenEndpoint=base + "/token"),
                                        cache=TokenCache(**kw))

    def sync_caller(self):
        client, auth = httpx2.Client(), self._make()
        return lambda: client.get(self.base + "/orders/1", auth=auth).raise_for_status()

    def async_caller(self, client: httpx2.AsyncClient):
        auth = self._make()

        async def call():
            (await client.get(self.base + "/orders/1", auth=auth)).raise_for_status()
        return call


class _ConnectorPath:
    label = "feelish connector with oauth2-client-credentials authentication"

    def __init__(self, base: str, skew: float | None = None):
        self.base = base
        self.runtime_kw = {}
        if skew is not None:
            from feelish.auth import TokenCache
            self.runtime_kw = {"token_cache": TokenCache(skew=skew)}

    def _conn(self):
        conn, why = connector_adapter.order_connector(self.base, _auth_text(self.base),
                                                      **self.runtime_kw)
        if conn is None:
            raise RuntimeError(why)
        return conn

    def sync_caller(self):
        conn = self._conn()
        return lambda: conn.run({"orderId": 1, "page": 1})

    def async_caller(self, client):
        conn = self._conn()
        return lambda: conn.run_async({"orderId": 1, "page": 1})


def _measure(base: str, path) -> dict:
    out: dict = {"path": path.label}
    _reset(base)
    call = path.sync_caller()
    for _ in range(1000):
        call()
    s = _stats(base)
    out["sequential"] = {"calls": 1000, "token_requests": s["token_requests"],
                         "bearer_requests": s["bearer_requests"]}

    _reset(base)

    async def burst():
        async with httpx2.AsyncClient(limits=httpx2.Limits(max_connections=100)) as client:
            fn = path.async_caller(client)
            await asyncio.gather(*(fn() for _ in range(100)))
    asyncio.run(burst())
    s = _stats(base)
    out["concurrent_async"] = {"calls": 100, "token_requests": s["token_requests"],
                               "bearer_requests": s["bearer_requests"]}

    _reset(base)
    call = path.sync_caller()
    barrier, errors = threading.Barrier(100), []

    def worker():
        barrier.wait()
        try:
            call()
        except Exception as exc:  # reported, never hidden
            errors.append(repr(exc)[:120])
    threads = [threading.Thread(target=worker) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    s = _stats(base)
    out["concurrent_threads"] = {"calls": 100, "token_requests": s["token_requests"],
                                 "bearer_requests": s["bearer_requests"], "errors": errors[:3]}
    return out


def _path(base: str, skew: float | None = None):
    conn, why = connector_adapter.order_connector(base, _auth_text(base))
    if conn is not None:
        connector_adapter.close(conn)
        return _ConnectorPath(base, skew)
    return _RawPath(base, skew)


def _lifetimes(base: str, path, ttl: float, lifetimes: float = 3.5) -> dict:
    _reset(base)
    call = path.sync_caller()
    calls, end = 0, time.monotonic() + ttl * lifetimes
    while time.monotonic() < end:
        call()
        calls += 1
    s = _stats(base)
    expected = math.ceil(lifetimes)
    return {"token_ttl_s": ttl, "lifetimes": lifetimes, "calls": calls, "expected": expected,
            "token_requests": s["token_requests"], "met": s["token_requests"] == expected}


def run(quick: bool = False, log=print) -> dict:
    try:
        with running_server(token_ttl=3600) as base:
            path = _path(base)
            try:
                res = _measure(base, path)
            except Exception as exc:
                return {"status": "error", "path": path.label, "reason": repr(exc)[:200]}
        ttl = 0.5 if quick else 1.0
        with running_server(token_ttl=ttl) as base:
            try:
                res["per_lifetime"] = _lifetimes(base, _path(base, skew=0.0), ttl)
            except Exception as exc:
                res["per_lifetime"] = {"status": "error", "reason": repr(exc)[:200], "met": False}
        return res
    except ImportError as exc:
        return {"status": "unavailable", "reason": f"feelish.auth: {exc}"}


def table(res: dict) -> str:
    out = ["### OAuth2 token requests (token lifetime 3,600 s; counted by the token endpoint)", ""]
    if "sequential" not in res:
        return "\n".join(out + [f"{res.get('status')}: {res.get('reason')}"])
    out += [f"Path: {res['path']}.", "", "| scenario | calls | token requests | API calls with a bearer |",
            "|---|---:|---:|---:|"]
    for key, label in (("sequential", "sequential"), ("concurrent_async", "100 started at once (async)"),
                       ("concurrent_threads", "100 started at once (threads)")):
        c = res[key]
        out.append(f"| {label} | {c['calls']} | {c['token_requests']} | {c['bearer_requests']} |")
    pl = res.get("per_lifetime", {})
    if "calls" in pl:
        out.append(f"| back-to-back for {pl['lifetimes']} lifetimes of {pl['token_ttl_s']:g} s "
                   f"(cache skew 0; expected {pl['expected']}) | {pl['calls']:,} | "
                   f"{pl['token_requests']} | — |")
    elif pl:
        out.append(f"| per lifetime | — | {pl.get('status')}: {pl.get('reason')} | — |")
    errs = res["concurrent_threads"].get("errors")
    if errs:
        out.append(f"\nErrors in threads: {errs}")
    return "\n".join(out)
