"""examples/run_all.py runs every example end to end against the example API and succeeds."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_run_all_examples():
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "run_all.py")], capture_output=True,
                          text=True, timeout=120, cwd=ROOT.parent)  # any working directory works
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert '"summary": "Lisbon: 23.5°C, sunny"' in out
    assert "business error UNKNOWN_CITY: no weather for Atlantis" in out
    assert '"location": "/orders/2"' in out and "token requests so far: 1" in out
    assert '"bytes": 46' in out and "all examples ran as expected" in out
    assert "example-secret" not in out  # the client secret is shown as a placeholder in the dry run
