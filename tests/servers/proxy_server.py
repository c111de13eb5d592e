"""A real forward proxy (proxy.py from PyPI) run as a subprocess on 127.0.0.1, with or without
Basic credentials. Readiness is detected through proxy.py's --port-file."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .base import RunningServer, stop_process


def start_proxy(*, credentials: str | None = None, timeout: float = 15.0) -> RunningServer:
    """Start proxy.py; `credentials` is "user:password" to require Proxy-Authorization."""
    folder = Path(tempfile.mkdtemp(prefix="feelish-proxy-"))
    port_file = folder / "port"
    log = open(folder / "proxy.log", "wb")  # noqa: SIM115 - closed in stop()
    args = [sys.executable, "-m", "proxy", "--hostname", "127.0.0.1", "--port", "0",
            "--port-file", str(port_file), "--num-workers", "1", "--num-acceptors", "1",
            "--threaded", "--log-level", "WARNING"]
    if credentials:
        args += ["--basic-auth", credentials]
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    port = 0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"proxy.py exited early; see {folder / 'proxy.log'}")
        text = port_file.read_text().strip() if port_file.exists() else ""
        if text.isdigit():
            port = int(text)
            break
        time.sleep(0.05)
    if not port:
        proc.kill()
        raise RuntimeError("proxy.py did not start in time")

    def stop() -> None:
        stop_process(proc, grace=0.5)
        log.close()

    return RunningServer("http", port, stop, extra={"log": folder / "proxy.log",
                                                     "credentials": credentials})
