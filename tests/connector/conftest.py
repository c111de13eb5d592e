"""Fixtures for the connector tests: a Runtime per module (pooled clients, a private document
folder), and `make(fields, **options)` to build a connector on it."""
from __future__ import annotations

import pytest

from feelish import Connector, Literal, Runtime

# Performance is measured with benchmarks, never with timed tests: bench_overhead.py is a
# program (`python3 -m tests.connector.bench_overhead`), not a test module.
collect_ignore = ["bench_overhead.py"]


@pytest.fixture(scope="module")
def rt(tmp_path_factory):
    runtime = Runtime(secrets={"TOKEN": "tok-Secret-9f8e", "PASSWORD": "pw-Secret-1a2b"},
                      document_folder=tmp_path_factory.mktemp("docs"), trust_env=False)
    yield runtime
    runtime.close()


@pytest.fixture
def make(rt):
    """make({"url": Literal(...), "method": '"POST"', ...}) -> Connector with 5 s timeouts."""
    def build(fields, *, inputs=None, runtime=None):
        fields = {"connectionTimeoutInSeconds": 5, "readTimeoutInSeconds": 5, **fields}
        return Connector.from_mapping(fields, inputs=inputs, runtime=runtime or rt)
    return build


def url(text: str) -> Literal:
    return Literal(text)
