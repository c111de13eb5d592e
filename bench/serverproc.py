"""Start and stop bench.server as a subprocess (a context manager giving the base URL)."""
from __future__ import annotations

import contextlib
import subprocess
import sys


@contextlib.contextmanager
def running_server(token_ttl: float = 3600):
    proc = subprocess.Popen([sys.executable, "-m", "bench.server", "--port", "0",
                             "--token-ttl", str(token_ttl)],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"benchmark server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
