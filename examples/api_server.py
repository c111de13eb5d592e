"""A small example API for the feelish examples, served by werkzeug on 127.0.0.1.

Routes
  GET  /weather/current?city=Paris          current weather for a city (404 for an unknown city)
  GET  /weather/forecast?city=Paris&days=3  a list of daily forecasts
  POST /oauth/token                         OAuth2 client credentials (form body or HTTP Basic)
  GET  /orders                              orders (Bearer token from /oauth/token required)
  POST /orders                              create an order: 201, Location header
  GET|PUT|PATCH|DELETE /orders/<id>         read, replace, update, delete one order
  POST /files, PUT /files/<name>            upload bytes (raw body or multipart): size and SHA-256

Run it alone:  python examples/api_server.py [--port 8080]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import threading
import time
from typing import Any

from authlib.common.security import generate_token
from werkzeug.datastructures import Authorization
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

CLIENTS = {"example-client": "example-secret"}  # client id -> secret, for the examples only
TOKEN_LIFETIME = 3600

CITIES = {
    "paris": {"city": "Paris", "country": "FR", "temperature": 18.5, "humidity": 62, "conditions": "cloudy"},
    "berlin": {"city": "Berlin", "country": "DE", "temperature": 14.0, "humidity": 71, "conditions": "rain"},
    "lisbon": {"city": "Lisbon", "country": "PT", "temperature": 23.5, "humidity": 55, "conditions": "sunny"},
}


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status=status, headers=headers, mimetype="application/json")


class ExampleApi:
    def __init__(self) -> None:
        self.tokens: dict[str, float] = {}  # access token -> expiry (monotonic)
        self.token_requests = 0
        self.store: dict[int, dict[str, Any]] = {
            1: {"id": 1, "item": "coffee beans", "quantity": 2, "status": "shipped"},
        }
        self.next_id = 2
        self.lock = threading.Lock()
        self.urls = Map([
            Rule("/weather/current", endpoint="current", methods=["GET"]),
            Rule("/weather/forecast", endpoint="forecast", methods=["GET"]),
            Rule("/oauth/token", endpoint="token", methods=["POST"]),
            Rule("/orders", endpoint="orders", methods=["GET", "POST"]),
            Rule("/orders/<int:order_id>", endpoint="order", methods=["GET", "PUT", "PATCH", "DELETE"]),
            Rule("/files", endpoint="upload", methods=["POST"]),
            Rule("/files/<name>", endpoint="upload", methods=["PUT"]),
        ])

    # ------------------------------------------------------------------ weather

    def current(self, request: Request) -> Response:
        city = CITIES.get(request.args.get("city", "").lower())
        if city is None:
            return _json({"error": "unknown city", "city": request.args.get("city")}, 404)
        unit = request.args.get("unit", "C")
        data = dict(city, unit=unit)
        if unit == "F":
            data["temperature"] = round(city["temperature"] * 9 / 5 + 32, 1)
        return _json(data)

    def forecast(self, request: Request) -> Response:
        city = CITIES.get(request.args.get("city", "").lower())
        if city is None:
            return _json({"error": "unknown city"}, 404)
        days = max(1, min(int(request.args.get("days", "3")), 7))
        return _json({"city": city["city"], "days": [
            {"day": d + 1, "high": city["temperature"] + d, "low": city["temperature"] - 6 + d}
            for d in range(days)]})

    # ------------------------------------------------------------------ OAuth2 client credentials

    def token(self, request: Request) -> Response:
        self.token_requests += 1
        form = request.form
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth: Authorization | None = request.authorization
        if auth is not None and auth.type == "basic":
            client_id, secret = auth.username, auth.password
        if form.get("grant_type") != "client_credentials":
            return _json({"error": "unsupported_grant_type"}, 400)
        if client_id not in CLIENTS or CLIENTS[client_id] != secret:
            return _json({"error": "invalid_client", "error_description": "unknown client or bad secret"}, 401)
        token = generate_token(32)
        with self.lock:
            self.tokens[token] = time.monotonic() + TOKEN_LIFETIME
        return _json({"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME,
                      "scope": form.get("scope", "orders")},
                     headers={"Cache-Control": "no-store"})

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        expiry = self.tokens.get(token) if scheme.lower() == "bearer" else None
        return expiry is not None and expiry > time.monotonic()

    # ------------------------------------------------------------------ orders

    def orders(self, request: Request) -> Response:
        if request.method == "GET":
            status = request.args.get("status")
            found = [o for o in self.store.values() if status is None or o["status"] == status]
            return _json({"orders": found, "count": len(found)})
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or "item" not in data:
            return _json({"error": "an order needs an item"}, 400)
        with self.lock:
            order = {"id": self.next_id, "item": data["item"], "quantity": data.get("quantity", 1),
                     "status": "new"}
            self.store[self.next_id] = order
            self.next_id += 1
        return _json(order, 201, headers={"Location": f"/orders/{order['id']}"})

    def order(self, request: Request, order_id: int) -> Response:
        order = self.store.get(order_id)
        if order is None:
            return _json({"error": "no such order", "id": order_id}, 404)
        if request.method == "DELETE":
            del self.store[order_id]
            return Response(status=204)
        if request.method in ("PUT", "PATCH"):
            data = request.get_json(silent=True)
            if not isinstance(data, dict):
                return _json({"error": "expected a JSON object"}, 400)
            if request.method == "PUT":
                order = {"id": order_id, "item": data.get("item"), "quantity": data.get("quantity", 1),
                         "status": data.get("status", "new")}
            else:
                order = {**order, **{k: v for k, v in data.items() if k != "id"}}
            self.store[order_id] = order
        return _json(order)

    # ------------------------------------------------------------------ files

    def upload(self, request: Request, name: str | None = None) -> Response:
        if request.files:
            part = next(iter(request.files.values()))
            content, filename, ctype = part.read(), part.filename, part.mimetype
        else:
            content, filename, ctype = request.get_data(), name, request.mimetype
        return _json({"name": filename, "size": len(content), "contentType": ctype,
                      "sha256": hashlib.sha256(content).hexdigest()}, 201 if request.method == "POST" else 200)

    # ------------------------------------------------------------------ WSGI

    def __call__(self, environ, start_response):
        request = Request(environ)
        adapter = self.urls.bind_to_environ(environ)
        try:
            endpoint, args = adapter.match()
            if endpoint == "orders" or endpoint == "order":
                if not self._authorized(request):
                    response = _json({"error": "invalid_token"}, 401,
                                     headers={"WWW-Authenticate": 'Bearer realm="orders"'})
                    return response(environ, start_response)
            response = getattr(self, endpoint)(request, **args)
        except NotFound:
            response = _json({"error": "not found", "path": request.path}, 404)
        except HTTPException as exc:
            response = _json({"error": exc.name}, exc.code or 500)
        return response(environ, start_response)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:  # keep example output readable
        pass


class RunningApi:
    """The example API running in a background thread; `url` is its base URL."""

    def __init__(self, port: int = 0):
        self.app = ExampleApi()
        self._server = make_server("127.0.0.1", port, self.app, threaded=True,
                                   request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "RunningApi":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the feelish example API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8080)
    port = parser.parse_args().port
    api = RunningApi(port)
    print(f"example API on {api.url} (client id: example-client, secret: see CLIENTS) - Ctrl-C stops")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        api.close()


if __name__ == "__main__":
    main()
