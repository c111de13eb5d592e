"""httpbin (the reference HTTP test service) on 127.0.0.1, served by werkzeug in a thread."""
from __future__ import annotations

import logging

from .base import RunningServer, serve_wsgi


def start_httpbin() -> RunningServer:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from httpbin import app  # imported late: it logs a notice about its optional UI at import

    return serve_wsgi(app)
