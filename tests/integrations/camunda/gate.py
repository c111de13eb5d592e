"""A loopback HTTP server whose requests wait at a gate until the test opens it (bounded): the
tests see how many calls a worker has in flight at once, and can stop a worker mid-call."""
from __future__ import annotations

import json
import threading

from werkzeug.wrappers import Request, Response

from tests.servers import serve_wsgi

from .waiting import wait_until

MAX_WAIT = 20.0


class Gate:
    def __init__(self):
        self.open = threading.Event()
        self.in_flight = 0
        self.max_in_flight = 0
        self.served = 0
        self._cond = threading.Condition()
        self._server = serve_wsgi(self._app)
        self.url = self._server.url

    def _app(self, environ, start_response):
        request = Request(environ)
        with self._cond:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._cond.notify_all()
        try:
            self.open.wait(MAX_WAIT)
        finally:
            with self._cond:
                self.in_flight -= 1
                self.served += 1
                self._cond.notify_all()
        body = json.dumps({"path": request.path, "released": self.open.is_set()})
        return Response(body, content_type="application/json")(environ, start_response)

    def wait_in_flight(self, count: int, timeout: float = 20.0) -> bool:
        return wait_until(self._cond, lambda: self.in_flight >= count, timeout)

    def close(self) -> None:
        self.open.set()
        self._server.close()
