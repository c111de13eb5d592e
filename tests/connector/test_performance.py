"""A guard against per-call overhead creeping in. The target (<= 1.15x a raw reused httpx2
client) is measured by `python3 -m tests.connector.bench_overhead`; this test uses a looser
bound because the machine is shared while tests run."""
from __future__ import annotations

from tests.connector.bench_overhead import measure


def test_connector_call_costs_about_a_raw_httpx2_request():
    results = measure(n=50, rounds=6)
    for label, (_raw, _ours, ratio, _cpu) in results.items():
        assert ratio < 1.5, f"{label}: connector/raw = {ratio:.2f}"
