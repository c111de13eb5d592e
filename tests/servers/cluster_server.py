"""A server for the scale-out tests that records what arrives, run as its own process
(`start_cluster_process`, or `python3 -m tests.servers.cluster_server`, which prints `PORT <n>`),
so its arrival times are read on time, never waiting for the interpreter of the code under test.

Routes (all on 127.0.0.1):
  GET|PUT /hit/<id>?sleep=<s>   200 `{"id"}` after sleeping; records the arrival time and the
                                number of requests in flight (for concurrency limits)
  GET  /busy                    429 with `Retry-After: <n>` while the armed count lasts, else 200
  POST /arm?count=<k>&after=<n> the next k /busy requests answer 429, Retry-After n
  GET  /secret                  200 if `X-Api-Key` is the expected key (--api-key), else 401;
                                echoes nothing
  POST /token, GET /api/me      the authlib OAuth2 server of tests/auth/oauth_server.py
  GET  /stats                   `{"hits": [[id, time, status], ...], "max_in_flight", "token_requests", ...}`
  POST /reset                   forget everything recorded
"""
from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.auth.oauth_server import State, make_app


class Recorder:
    def __init__(self, api_key: str = ""):
        self.lock = threading.Lock()
        self.api_key = api_key
        self.oauth = State()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.hits: list[list] = []
            self.in_flight = 0
            self.max_in_flight = 0
            self.armed = 0
            self.retry_after = 1
        self.oauth.reset()

    def stats(self) -> dict:
        with self.lock:
            return {"hits": list(self.hits), "max_in_flight": self.max_in_flight,
                    "token_requests": self.oauth.token_requests, "api_calls": self.oauth.api_calls}


def make_recording_app(recorder: Recorder):
    oauth_app = make_app(recorder.oauth)

    def record(name: str, status: int) -> None:
        with recorder.lock:
            recorder.hits.append([name, time.time(), status])

    def app(environ, start_response):
        request = Request(environ)
        path = request.path
        if path in ("/token", "/authorize", "/api/me"):
            return oauth_app(environ, start_response)
        if path.startswith("/hit/"):
            with recorder.lock:
                recorder.in_flight += 1
                recorder.max_in_flight = max(recorder.max_in_flight, recorder.in_flight)
            record(path[5:], 200)
            try:
                time.sleep(min(float(request.args.get("sleep", 0)), 10))
            finally:
                with recorder.lock:
                    recorder.in_flight -= 1
            response = Response(json.dumps({"id": path[5:]}), content_type="application/json")
        elif path == "/busy":
            with recorder.lock:
                busy = recorder.armed > 0
                recorder.armed -= busy
            record("busy", 429 if busy else 200)
            headers = {"Retry-After": str(recorder.retry_after)} if busy else {}
            response = Response("{}", status=429 if busy else 200, headers=headers,
                                content_type="application/json")
        elif path == "/arm":
            with recorder.lock:
                recorder.armed = int(request.args.get("count", 1))
                recorder.retry_after = int(request.args.get("after", 1))
            response = Response("{}", content_type="application/json")
        elif path == "/secret":
            good = bool(recorder.api_key) and request.headers.get("X-Api-Key") == recorder.api_key
            record("secret", 200 if good else 401)
            response = Response(json.dumps({"ok": good}), status=200 if good else 401,
                                content_type="application/json")
        elif path == "/stats":
            response = Response(json.dumps(recorder.stats()), content_type="application/json")
        elif path == "/reset":
            recorder.reset()
            response = Response("{}", content_type="application/json")
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)
    return app


class RemoteRecorder:
    """The `Recorder` of a server running as its own process, over HTTP."""

    def __init__(self, url: str):
        self.url = url

    def reset(self) -> None:
        httpx2.post(f"{self.url}/reset", timeout=10)

    def stats(self) -> dict:
        return httpx2.get(f"{self.url}/stats", timeout=10).json()


def start_cluster_process(*args: str) -> tuple[subprocess.Popen, str]:
    """As its own process (so its clock readings wait for no test's GIL): (process, base URL);
    it stops by itself after 600 s if nobody stops it first."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.servers.cluster_server", "--lifetime", "600",
                             *args], cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise RuntimeError(f"the recording server did not start: {line!r}")
    return proc, f"http://127.0.0.1:{int(line.split()[1])}"



def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-key", default="")
    parser.add_argument("--lifetime", type=float, default=600, help="stop by itself after this many seconds")
    args = parser.parse_args()
    server = make_server("127.0.0.1", 0, make_recording_app(Recorder(args.api_key)), threaded=True)
    server.daemon_threads = True
    threading.Timer(args.lifetime, server.shutdown).start()
    print(f"PORT {server.port}", flush=True)
    server.serve_forever(poll_interval=0.05)
    sys.exit(0)


if __name__ == "__main__":
    main()
