"""Run a WSGI app or a raw socket server on 127.0.0.1 in a daemon thread, stoppable."""
from __future__ import annotations

import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server


@dataclass
class RunningServer:
    """A server listening on 127.0.0.1:port; `url` is its base URL without a trailing slash."""

    scheme: str
    port: int
    _stop: Any = field(repr=False)
    extra: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stop()


def serve_wsgi(app, *, ssl_context: ssl.SSLContext | None = None) -> RunningServer:
    """Serve `app` with werkzeug's threaded server on an ephemeral port."""
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=ssl_context)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name=f"wsgi-{server.port}", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return RunningServer("https" if ssl_context else "http", server.port, stop)


def stop_process(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """Terminate a server process we started; kill it if it has not gone after `grace` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
