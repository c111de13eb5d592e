"""Token endpoints that answer badly, each in its own way (a werkzeug WSGI app).

  POST /pm-token        200 {"error": "invalid_client", "error_description": ...} (ProcessMaker
                        style); the description echoes the client_secret it was sent.
  POST /echo-form       400 {"error": "invalid_client", "error_description": <the raw form body>}
                        (the client secret URL-encoded, as some servers echo it)
  POST /no-token        200 {"token_type": "bearer"} (no access_token)
  POST /html            200 text/html
  POST /crash           500 text/plain
  POST /refused         400 {"error": "invalid_scope", "error_description", "error_uri"}
  POST /string-expiry   200 a token whose expires_in is the string "3600"
  POST /no-expiry       200 a token without expires_in
Every request is counted in `counts[path]`.
"""
from __future__ import annotations

import json
import threading
from collections import Counter

from werkzeug.wrappers import Request, Response


class OddState:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.serial = 0

    def next_token(self) -> str:
        with self.lock:
            self.serial += 1
            return f"odd-token-{self.serial}"


def make_odd_app(state: OddState):
    def app(environ, start_response):
        request = Request(environ)
        with state.lock:
            state.counts[request.path] += 1
        path = request.path
        if path == "/pm-token":
            sent = request.form.get("client_secret", "")
            body = {"error": "invalid_client",
                    "error_description": f"Client authentication failed (secret {sent} unknown)"}
            response = Response(json.dumps(body), content_type="application/json")
        elif path == "/echo-form":
            body = {"error": "invalid_client",
                    "error_description": "bad request: " + request.get_data(as_text=True)}
            response = Response(json.dumps(body), status=400, content_type="application/json")
        elif path == "/no-token":
            response = Response(json.dumps({"token_type": "bearer"}), content_type="application/json")
        elif path == "/html":
            response = Response("<html><body>login</body></html>", content_type="text/html")
        elif path == "/crash":
            response = Response("upstream exploded", status=500, content_type="text/plain")
        elif path == "/refused":
            body = {"error": "invalid_scope", "error_description": "scope 'root' is not allowed",
                    "error_uri": "https://idp.example/docs/scopes"}
            response = Response(json.dumps(body), status=400, content_type="application/json")
        elif path == "/string-expiry":
            body = {"access_token": state.next_token(), "token_type": "Bearer", "expires_in": "3600"}
            response = Response(json.dumps(body), content_type="application/json")
        elif path == "/no-expiry":
            body = {"access_token": state.next_token(), "token_type": "Bearer"}
            response = Response(json.dumps(body), content_type="application/json")
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    return app
