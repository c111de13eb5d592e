"""A server for the scale-out tests that records what arrives: run in a thread (`start_cluster_server`)
or as its own process (`python3 -m tests.servers.cluster_server`, prints `PORT <n>`), so the
workers under test never share its interpreter.

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
import sys
import threading
import time

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


def start_cluster_server(api_key: str = ""):
    """In a thread of this process: (RunningServer, Recorder)."""
    from .base import serve_wsgi

    recorder = Recorder(api_key)
    return serve_wsgi(make_recording_app(recorder)), recorder


def main() -> None:
    import logging

    from werkzeug.serving import make_server

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
