"""The HTTP peers: the same GET /orders/7?page=2&limit=50, JSON decoded, the same three fields
picked, by raw httpx2 (sync and async), urllib3, pycurl, aiohttp and a minimal raw-socket HTTP/1.1
keep-alive client (the limit).  Each factory returns ``(call, close)`` or raises ImportError when
the peer is not installed (then it is reported as missing, not timed)."""
from __future__ import annotations

import asyncio
import io
import json
import socket
from urllib.parse import urlsplit

import httpx2

ORDER, QUERY = 7, {"page": 2, "limit": 50}


def pick(doc: dict) -> dict:
    d = doc["data"]
    return {"id": d["id"], "firstTag": d["tags"][0], "city": d["owner"]["address"]["city"]}


def _url(base: str) -> str:
    return f"{base}/orders/{ORDER}?page={QUERY['page']}&limit={QUERY['limit']}"


# ------------------------------------------------------------------ sync peers
def httpx2_sync(base: str):
    client = httpx2.Client()

    def call():
        r = client.get(f"{base}/orders/{ORDER}", params=QUERY)
        r.raise_for_status()
        return pick(r.json())
    return call, client.close


def urllib3_sync(base: str):
    import urllib3
    pool = urllib3.PoolManager()
    url = _url(base)

    def call():
        r = pool.request("GET", url)
        if r.status >= 400:
            raise RuntimeError(r.status)
        return pick(json.loads(r.data))
    return call, pool.clear


def pycurl_sync(base: str):
    import pycurl
    curl = pycurl.Curl()
    url = _url(base)

    def call():
        buf = io.BytesIO()
        curl.setopt(pycurl.URL, url)
        curl.setopt(pycurl.WRITEDATA, buf)
        curl.perform()
        if curl.getinfo(pycurl.RESPONSE_CODE) >= 400:
            raise RuntimeError("status")
        return pick(json.loads(buf.getvalue()))
    return call, curl.close


def socket_sync(base: str):
    """HTTP/1.1 over one kept-alive socket: Content-Length bodies only (what the server sends)."""
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname, parts.port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    head = (f"GET {_url(base)[len(base):]} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Accept: */*\r\n\r\n").encode()
    reader = sock.makefile("rb")

    def call():
        sock.sendall(head)
        status = int(reader.readline().split()[1])
        length = 0
        while True:
            line = reader.readline()
            if line in (b"\r\n", b""):
                break
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = reader.read(length)
        if status >= 400:
            raise RuntimeError(status)
        return pick(json.loads(body))

    def close():
        reader.close()
        sock.close()
    return call, close


def aiohttp_sequential(base: str):
    """aiohttp one call at a time, driven on a kept event loop."""
    loop = asyncio.new_event_loop()
    call_async, close_async = loop.run_until_complete(_aiohttp_session(base))

    def close():
        loop.run_until_complete(close_async())
        loop.close()
    return (lambda: loop.run_until_complete(call_async())), close


SYNC = {"httpx2": httpx2_sync, "urllib3": urllib3_sync, "pycurl": pycurl_sync,
        "aiohttp": aiohttp_sequential, "raw socket": socket_sync}


# ------------------------------------------------------------------ async peers
async def httpx2_async(base: str):
    client = httpx2.AsyncClient()

    async def call():
        r = await client.get(f"{base}/orders/{ORDER}", params=QUERY)
        r.raise_for_status()
        return pick(r.json())
    return call, client.aclose


async def _aiohttp_session(base: str):
    import aiohttp
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
    url = _url(base)

    async def call():
        async with session.get(url) as r:
            r.raise_for_status()
            return pick(json.loads(await r.read()))
    return call, session.close


ASYNC = {"httpx2": httpx2_async, "aiohttp": _aiohttp_session}
