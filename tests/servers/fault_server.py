"""A small HTTP/1.1 server on raw sockets that misbehaves on purpose.

Routes (path, then query):
  /echo, /echo/<anything> 200, body = the exact request bytes received (head + decoded body),
                          Content-Type application/octet-stream; also `X-Request-Line`.
  /json?v=<text>          200 application/json with body <text> as given (default `{"ok":true}`).
  /malformed-json         200 application/json with a body that is not JSON.
  /text?charset=latin-1   200 text/plain in that charset (body "café / naïve").
  /xml                    200 application/xml.
  /reset                  the connection is reset (RST) before any response.
  /close                  the connection is closed cleanly without any response.
  /stall?seconds=N        accepts and says nothing for N seconds (default 30).
  /slow-body?seconds=N    sends headers, then waits N seconds before the body.
  /retry?key=K&fail=N&status=503&after=S
                          the first N requests with key K answer `status` with Retry-After S;
                          later ones 200 with {"attempt": n}. `/count?key=K` returns the count.
  /huge?size=N            200 application/octet-stream of N bytes, streamed in chunks.
  /no-content             204 with Location and X-Id headers.
  /binary                 200 image/png with Content-Disposition filename="pixel.png".
  /cookies                200 with two Set-Cookie headers and two X-Dup headers.
  /status?code=N&reason=R N with reason phrase R, JSON body {"error": "..."}.
  /redirect?to=URL&code=302
  /drip-headers?seconds=N a status line, then one byte of a header every 0.1 s for N seconds (20).
  /drip-body?seconds=N&type=T  headers (Content-Length 1 MB, Content-Type T, default
                          application/json), then one body byte every 0.1 s for N seconds (20).
  /endless?seconds=N      a chunked body that never ends (64 KiB chunks) for N seconds (20) or until
                          the client goes; `type` as above.
  /gzip-bomb?mib=N&type=T a gzip body that inflates to N MiB (default 256) of zeros.
  /many-headers?count=N   200 {"ok": true} with N extra headers X-H-<i> (default 150).
  /long-header?size=N     200 {"ok": true} with one header X-Long of N bytes (default 70000).
Every slow route stops by itself (its seconds, or when the server stops).
Counts are kept per server instance (thread-safe).
"""
from __future__ import annotations

import functools
import socket
import socketserver
import struct
import threading
import time
import zlib
from collections import Counter
from urllib.parse import parse_qs, urlsplit

from .base import RunningServer


def _read_request(sock_file) -> tuple[bytes, bytes, dict[str, str]] | None:
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = sock_file.readline(65536)
        if not line:
            return None
        head += line
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int(sock_file.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while sock_file.readline() not in (b"\r\n", b"\n", b""):
                    pass
                break
            body += sock_file.read(size)
            sock_file.readline()
    elif "content-length" in headers:
        body = sock_file.read(int(headers["content-length"]))
    return head, body, headers


class _Handler(socketserver.StreamRequestHandler):
    server: "_FaultServer"

    def handle(self) -> None:
        while True:
            try:
                request = _read_request(self.rfile)
            except (ConnectionError, OSError, ValueError):
                return
            if request is None:
                return
            head, body, headers = request
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            target = request_line.split(" ")[1] if " " in request_line else "/"
            parts = urlsplit(target)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            keep_going = self.route(parts.path, query, request_line, head, body, headers)
            if not keep_going or headers.get("connection", "").lower() == "close":
                return

    # ------------------------------------------------------------------ helpers
    def send(self, status: int, body: bytes = b"", headers: list[tuple[str, str]] = (),
             reason: str | None = None) -> bool:
        reason = reason if reason is not None else _REASONS.get(status, "Unknown")
        out = [f"HTTP/1.1 {status} {reason}"]
        out += [f"{k}: {v}" for k, v in headers]
        if status != 204 and not any(k.lower() == "content-length" for k, _ in headers):
            out.append(f"Content-Length: {len(body)}")
        self.wfile.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)
        self.wfile.flush()
        return True

    def drip(self, start: bytes, query) -> bool:
        """Send `start`, then a byte every 0.1 s until the time is up, the client goes or the
        server stops."""
        stop, seconds = self.server.stop_event, float(query.get("seconds", "20"))
        try:
            self.wfile.write(start)
            self.wfile.flush()
            for _ in range(int(seconds * 10)):
                if stop.wait(0.1):
                    break
                self.wfile.write(b"1")
                self.wfile.flush()
        except OSError:
            pass
        return False

    def endless(self, query) -> bool:
        stop, seconds = self.server.stop_event, float(query.get("seconds", "20"))
        chunk = b"%x\r\n%s\r\n" % (65536, b"7" * 65536)
        try:
            self.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Type: {query.get('type', 'application/json')}"
                             "\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
            ends = time.monotonic() + seconds
            while not stop.is_set() and time.monotonic() < ends:
                self.wfile.write(chunk)
        except OSError:
            pass
        return False

    def route(self, path, query, request_line, head, body, headers) -> bool:
        server = self.server
        if path == "/echo" or path.startswith("/echo/"):
            return self.send(200, head + body, [("Content-Type", "application/octet-stream"),
                                                ("X-Request-Line", request_line)])
        if path == "/json":
            return self.send(200, query.get("v", '{"ok":true}').encode(),
                             [("Content-Type", "application/json")])
        if path == "/malformed-json":
            return self.send(200, b'{"truncated": [1, 2', [("Content-Type", "application/json")])
        if path == "/text":
            charset = query.get("charset", "utf-8")
            return self.send(200, "café / naïve".encode(charset),
                             [("Content-Type", f"text/plain; charset={charset}")])
        if path == "/big-json":  # {"items": [0, 1, 2, ...]} of at least `size` bytes
            size, items, total = int(query.get("size", "2000000")), [], 12
            while total < size:
                items.append(str(len(items)))
                total += len(items[-1]) + 1
            return self.send(200, ('{"items": [' + ",".join(items) + "]}").encode(),
                             [("Content-Type", "application/json")])
        if path == "/bytes":  # `text` encoded in `encoding`, sent with Content-Type `type` as given
            data = query.get("text", "").encode(query.get("encoding", "utf-8"))
            return self.send(200, data, [("Content-Type", query.get("type", "text/plain"))])
        if path == "/xml":
            return self.send(200, b"<a><b>1/2</b></a>", [("Content-Type", "application/xml")])
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return False
        if path == "/close":
            return False
        if path == "/stall":
            server.stop_event.wait(float(query.get("seconds", "30")))
            return False
        if path == "/slow-body":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n")
            self.wfile.flush()
            server.stop_event.wait(float(query.get("seconds", "30")))
            self.wfile.write(b"ok")
            return False
        if path == "/retry":
            key = query.get("key", "")
            with server.lock:
                server.counts[key] += 1
                attempt = server.counts[key]
            if attempt <= int(query.get("fail", "1")):
                extra = [("Retry-After", query["after"])] if "after" in query else []
                return self.send(int(query.get("status", "503")), b'{"error":"busy"}',
                                 [("Content-Type", "application/json"), *extra])
            return self.send(200, f'{{"attempt": {attempt}}}'.encode(), [("Content-Type", "application/json")])
        if path == "/count":
            with server.lock:
                count = server.counts[query.get("key", "")]
            return self.send(200, f'{{"count": {count}}}'.encode(), [("Content-Type", "application/json")])
        if path == "/huge":
            size = int(query.get("size", str(10 * 1024 * 1024)))
            self.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                             f"Content-Length: {size}\r\n\r\n".encode())
            chunk = b"x" * 65536
            try:
                while size > 0:
                    self.wfile.write(chunk[:size])
                    size -= len(chunk)
            except OSError:
                return False
            self.wfile.flush()
            return True
        if path == "/drip-headers":
            return self.drip(b"HTTP/1.1 200 OK\r\nX-Slow: ", query)
        if path == "/drip-body":
            kind = query.get("type", "application/json")
            return self.drip(f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: 1000000"
                             f"\r\n\r\n[".encode(), query)
        if path == "/endless":
            return self.endless(query)
        if path == "/gzip-bomb":
            data = _gzip_bomb(int(query.get("mib", "256")))
            return self.send(200, data, [("Content-Type", query.get("type", "application/json")),
                                         ("Content-Encoding", "gzip")])
        if path == "/many-headers":
            extra = [(f"X-H-{i}", str(i)) for i in range(int(query.get("count", "150")))]
            return self.send(200, b'{"ok": true}', [("Content-Type", "application/json"), *extra])
        if path == "/long-header":
            return self.send(200, b'{"ok": true}', [("Content-Type", "application/json"),
                                                    ("X-Long", "v" * int(query.get("size", "70000")))])
        if path == "/no-content":
            return self.send(204, b"", [("Location", "/items/42"), ("X-Id", "42")])
        if path == "/binary":
            data = bytes(range(256)) * 4
            return self.send(200, data, [("Content-Type", "image/png"),
                                         ("Content-Disposition", 'attachment; filename="pixel.png"')])
        if path == "/cookies":
            return self.send(200, b"{}", [("Content-Type", "application/json"),
                                          ("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/"),
                                          ("X-Dup", "one"), ("X-Dup", "two"), ("X-Single", "only")])
        if path == "/status":
            code = int(query.get("code", "500"))
            return self.send(code, b'{"error": "as requested", "code": %d}' % code,
                             [("Content-Type", "application/json")], reason=query.get("reason"))
        if path == "/redirect":
            return self.send(int(query.get("code", "302")), b"", [("Location", query.get("to", "/echo"))])
        return self.send(404, b"no such route", [("Content-Type", "text/plain")])


@functools.lru_cache(maxsize=4)
def _gzip_bomb(mib: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    return b"".join([compressor.compress(zeros) for _ in range(mib)] + [compressor.flush()])


_REASONS = {200: "OK", 204: "No Content", 301: "Moved Permanently", 302: "Found", 400: "Bad Request",
            401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class _FaultServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.stop_event = threading.Event()


def start_fault_server() -> RunningServer:
    server = _FaultServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="fault-server", daemon=True)
    thread.start()

    def stop() -> None:
        server.stop_event.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    running = RunningServer("http", server.server_address[1], stop)
    running.extra["counts"] = server.counts
    return running
