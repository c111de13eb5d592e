"""Issue 3 items that had no proof of their own: uploads are streamed (not read whole), connection
errors are retried, a 0 timeout means none, an empty 200 body is null, text/html bodies,
fixed versus jittered backoff.  The two small servers here run on 127.0.0.1 only."""
from __future__ import annotations

import json
import socket
import socketserver
import struct
import threading
import tracemalloc

import pytest

from feelish import ConnectorError, Literal
from feelish.connector.retry import RetryPolicy


def _read_head(rfile) -> dict[str, str]:
    headers = {}
    while (line := rfile.readline(65536)) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers


def _answer(wfile, payload: dict) -> None:
    data = json.dumps(payload).encode()
    wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(data), data))


class _Sink(socketserver.StreamRequestHandler):
    """Reads the body in 64 KiB pieces, keeps only the count, answers {received: n}."""

    def handle(self):
        self.rfile.readline(65536)  # request line
        left = int(_read_head(self.rfile).get("content-length", 0))
        received = 0
        while left:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            received += len(chunk)
            left -= len(chunk)
        _answer(self.wfile, {"received": received})


class _ResetFirst(socketserver.StreamRequestHandler):
    """The first connection of the server is reset (RST) before any answer; later ones get 200."""

    def handle(self):
        server = self.server
        with server.lock:
            server.connections += 1
            number = server.connections
        if number == 1:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        self.rfile.readline(65536)
        _read_head(self.rfile)
        _answer(self.wfile, {"connection": number})


def _serve(handler):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.lock, server.connections = threading.Lock(), 0
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def server_of():
    started = []

    def start(handler):
        started.append(_serve(handler))
        return f"http://127.0.0.1:{started[-1].server_address[1]}", started[-1]
    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def test_file_upload_is_streamed_not_read_whole(make, rt, server_of):
    """PUT FILE of 16 MiB: the server gets every byte, yet Python never holds even a quarter of it."""
    url, _ = server_of(_Sink)
    path = rt.documents.new_path("big.bin")
    size = 16 * 1024 * 1024
    with path.open("wb") as handle:
        for _ in range(size // 65536):
            handle.write(b"\xab" * 65536)
    doc = {"kind": "document", "path": str(path), "contentType": "application/octet-stream"}
    connector = make({"method": '"PUT"', "url": Literal(url + "/upload"), "body": "doc"}, inputs=["doc"])
    tracemalloc.start()
    try:
        out = connector.run({"doc": doc})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.response["body"] == {"received": size}
    print(f"peak traced memory {peak} bytes for a {size}-byte upload")
    assert peak < size // 4, f"peak {peak} bytes while sending {size}"


def test_a_reset_connection_is_retried_then_succeeds(make, server_of):
    url, server = server_of(_ResetFirst)
    out = make({"url": Literal(url + "/x"), "retries": 2, "retryBackoff": 0.01}).run()
    assert out.response["body"] == {"connection": 2} and out.attempts == 2


def test_a_reset_connection_without_retries_fails_as_a_connection_error(make, server_of):
    url, server = server_of(_ResetFirst)
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(url + "/x"), "resultVariable": "r"}).run()
    assert info.value.code in ("CONNECTION_ERROR", "CONNECTION_FAILED") and info.value.retryable
    assert info.value.variables == {} and server.connections == 1


def test_zero_timeouts_mean_no_limit(make, fault_url):
    connector = make({"url": Literal(f"{fault_url}/slow-body?seconds=0.5"),
                      "connectionTimeoutInSeconds": 0, "readTimeoutInSeconds": 0})
    assert connector.run().response["status"] == 200  # 0 s would have failed at once
    settings = connector.dry_run().settings
    assert settings["connectionTimeoutInSeconds"] is None and settings["readTimeoutInSeconds"] is None


def test_an_empty_200_body_is_null_with_the_headers_kept(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/status/200")}).run()
    assert out.response["status"] == 200 and out.response["body"] is None
    assert out.response["document"] is None and "Content-Length" in out.response["headers"]


@pytest.mark.parametrize("content_type", ["text/html", "text/plain"])
def test_text_bodies_are_sent_as_written(make, fault_url, content_type):
    text = "<p>caf\u00e9 & \"quotes\"</p>"
    out = make({"method": '"POST"', "url": Literal(f"{fault_url}/echo"), "body": Literal(text),
                "contentType": Literal(content_type)}).run()
    with open(out.response["document"]["path"], "rb") as echoed:  # /echo answers octet-stream
        head, _, body = echoed.read().partition(b"\r\n\r\n")
    assert body == text.encode("utf-8")
    assert f"content-type: {content_type}".encode() in head.lower()


def test_fixed_backoff_is_constant_and_exponential_backoff_has_jitter():
    fixed = RetryPolicy.from_fields(3, 0.5, None, 30, False)
    assert [fixed.wait(n, None) for n in (1, 2, 3)] == [0.5, 0.5, 0.5]
    default = RetryPolicy.from_fields(3, None, None, 30, False)  # exponential from 1 s, jitter 0.1
    waits = [default.wait(2, None) for _ in range(50)]
    assert all(1.8 <= w <= 2.2 for w in waits) and len(set(waits)) > 1
    assert all(3.6 <= default.wait(3, None) <= 4.4 for _ in range(20))


def test_the_error_object_seen_by_the_error_expression_masks_secrets(make, fault_url):
    """FEATURES Part B, "Error object seen by expressions": {type, message, code, variables},
    secrets masked, so `ignoreError({why: error.message})` cannot copy a secret into a variable."""
    c = make({"url": '"' + fault_url + '/status?code=500&reason=" + "<<secrets.TOKEN>>"',
              "errorExpression": 'ignoreError({why: error.message, code: error.code, type: error.type, '
                                 'status: error.variables.response.body.code})'})
    out = c.run()
    assert out.outputs == {"why": "***", "code": "500", "type": "ConnectorError", "status": 500}


def test_https_through_a_proxy_with_credentials_tunnels(make, auth_proxy, tls_url, tls_material):
    """HTTPS via the forward proxy (a CONNECT tunnel): the proxy's 407 without credentials proves
    the call went through it; with them the TLS server answers, verified against the custom CA."""
    user, password = auth_proxy.extra["credentials"].split(":")
    fields = {"url": Literal(tls_url + "/tunnel"), "caCertificate": Literal(tls_material.ca_text)}
    with pytest.raises(ConnectorError) as info:
        make({**fields, "proxy": Literal(auth_proxy.url)}).run()
    assert info.value.code == "PROXY_ERROR" and "407" in info.value.message
    assert not info.value.retryable  # wrong proxy credentials fail the same way every time
    out = make({**fields, "proxy": Literal({"url": auth_proxy.url, "username": user,
                                            "password": password})}).run()
    assert out.response["body"]["scheme"] == "https" and out.response["body"]["path"] == "/tunnel"
