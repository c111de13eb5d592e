"""A minimal, fast HTTP/1.1 server for the HTTP benchmarks, run as a subprocess on 127.0.0.1.

A separate process (not a thread) so the server's work never competes with the measured client
for the GIL.  asyncio streams, keep-alive, no framework.  Routes:

  GET  /orders/<id>   200, a ~2 KB JSON document (bench.data.response_body) + the query echoed
  POST /token         200, {"access_token", "token_type", "expires_in"} (lifetime: --token-ttl)
  GET  /stats         200, {"token_requests": n, "api_requests": n, "bearer_requests": n}
  POST /reset         204, zeroes the counters

Started with ``python3 -m bench.server --port 0``; prints ``PORT <n>`` once listening.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
from urllib.parse import parse_qsl, urlsplit

from . import data

COUNTS = {"token_requests": 0, "api_requests": 0, "bearer_requests": 0}
_TOKENS = itertools.count(1)


def _response(status: str, body: bytes, ctype: str = "application/json") -> bytes:
    head = (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
            "Connection: keep-alive\r\n\r\n")
    return head.encode("latin-1") + body


def make_handler(ttl: float, body_doc: dict):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length", "0") or 0)
                if length:
                    await reader.readexactly(length)
                path = urlsplit(target).path
                if method == "GET" and path.startswith("/orders/"):
                    COUNTS["api_requests"] += 1
                    if headers.get("authorization", "").startswith("Bearer "):
                        COUNTS["bearer_requests"] += 1
                    doc = dict(body_doc, query=dict(parse_qsl(urlsplit(target).query)))
                    out = _response("200 OK", json.dumps(doc).encode())
                elif method == "POST" and path == "/token":
                    COUNTS["token_requests"] += 1
                    out = _response("200 OK", json.dumps({
                        "access_token": f"bench-token-{next(_TOKENS)}", "token_type": "Bearer",
                        "expires_in": ttl}).encode())
                elif path == "/stats":
                    out = _response("200 OK", json.dumps(COUNTS).encode())
                elif method == "POST" and path == "/reset":
                    for k in COUNTS:
                        COUNTS[k] = 0
                    out = _response("204 No Content", b"")
                else:
                    out = _response("404 Not Found", b'{"error": "not found"}')
                writer.write(out)
                await writer.drain()
        finally:
            writer.close()
    return handle


async def serve(port: int, ttl: float) -> None:
    server = await asyncio.start_server(make_handler(ttl, data.response_body()), "127.0.0.1", port,
                                        backlog=512)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--token-ttl", type=float, default=3600)
    args = ap.parse_args()
    try:
        asyncio.run(serve(args.port, args.token_ttl))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
