"""Connector call cost vs a raw reused httpx2.Client request to the same local server.

Run: python3 -m tests.connector.bench_overhead   (prints the ratio; not a test)
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx2

from feelish import Connector, Literal, Runtime

BODY = b'{"id": 42, "name": "pen", "price": 1.25, "tags": ["a", "b"], "ok": true}'


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 65536            # one write per response (no Nagle / delayed-ACK stalls)
    disable_nagle_algorithm = True

    def _answer(self):
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def serve():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _ServerProcess:
    """The same server in its own process, so it never competes with the client for the GIL."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.connector.bench_overhead", "--serve"],
                                     stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()

    def shutdown(self):
        self.proc.terminate()
        self.proc.wait(timeout=5)


def timed(fn, n) -> tuple[float, float]:
    """Seconds per call: wall clock, and CPU time of this process (client + server threads)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        fn()
    return (time.perf_counter() - wall) / n, (time.process_time() - cpu) / n


def compare(a, b, n: int, rounds: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Interleaved batches of a and b; the best batch of each (the least disturbed by other
    processes on a shared machine), as (wall, cpu)."""
    best_a = best_b = (float("inf"), float("inf"))
    for _ in range(rounds):
        wa, ca = timed(a, n)
        wb, cb = timed(b, n)
        best_a = (min(best_a[0], wa), min(best_a[1], ca))
        best_b = (min(best_b[0], wb), min(best_b[1], cb))
    return best_a, best_b


def measure(n: int = 100, rounds: int = 20) -> dict:
    server = _ServerProcess()
    base = server.url
    raw_client = httpx2.Client(timeout=20)
    runtime = Runtime(trust_env=False)
    static = Connector.from_mapping({"url": Literal(f"{base}/items/42")}, runtime=runtime)
    dynamic = Connector.from_mapping({
        "method": '"POST"', "url": f'"{base}/items/" + string(id)',
        "headers": '{"X-Request": "r-" + string(id)}', "body": "{id: id, name: name}",
        "resultExpression": "{name: response.body.name}"}, inputs=["id", "name"], runtime=runtime)
    variables = {"id": 42, "name": "pen"}

    def raw_get():
        raw_client.get(f"{base}/items/42").json()

    def raw_post():
        raw_client.post(f"{base}/items/42", json={"id": 42, "name": "pen"},
                        headers={"X-Request": "r-42"}).json()

    results = {}
    for label, a, b in (("static GET", raw_get, lambda: static.run()),
                        ("expressions POST", raw_post, lambda: dynamic.run(variables))):
        for _ in range(50):
            a(), b()
        (raw, raw_cpu), (our, our_cpu) = compare(a, b, n, rounds)
        results[label] = (raw * 1e6, our * 1e6, our / raw, our_cpu / raw_cpu)
    raw_client.close()
    runtime.close()
    server.shutdown()
    return results


if __name__ == "__main__" and "--serve" in sys.argv:
    _server, _url = serve()
    print(_url, flush=True)
    threading.Event().wait()
elif __name__ == "__main__":
    for label, (raw, our, ratio, cpu_ratio) in measure().items():
        print(f"{label:18s} raw httpx2 {raw:7.1f} us   connector {our:7.1f} us   "
              f"wall ratio {ratio:.3f}   cpu ratio {cpu_ratio:.3f}")
