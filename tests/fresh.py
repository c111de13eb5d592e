"""Run Python code in a fresh interpreter, for tests about what a new process imports or does."""
from __future__ import annotations

import subprocess
import sys


def run_fresh(code: str) -> str:
    """The standard output of `python -c code` in a new interpreter (which must exit with 0)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout
