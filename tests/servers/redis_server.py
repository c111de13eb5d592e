"""Debian's redis-server on a free 127.0.0.1 port, persistence off, for the scale-out tests.

`start_redis()` returns a RunningServer (`.url` is redis://127.0.0.1:PORT, `.extra["kill"]`
SIGKILLs it and `.extra["restart"]` starts it again on the same port).  It stops with `close()`.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

from .base import RunningServer, stop_process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _spawn(port: int) -> subprocess.Popen:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server; "
                           ".ci/run installs it)")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not _ping(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"redis-server did not start on port {port}")
        time.sleep(0.02)
    return proc


def start_redis() -> RunningServer:
    port = free_port()
    state = {"proc": _spawn(port)}

    def kill() -> None:
        proc = state["proc"]
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)

    def restart() -> None:
        kill()
        state["proc"] = _spawn(port)

    return RunningServer("redis", port, lambda: stop_process(state["proc"]),
                         extra={"kill": kill, "restart": restart})
