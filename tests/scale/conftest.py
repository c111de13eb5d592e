"""Fixtures for the shared-state tests: a clean Redis database per test, and runtimes on it
(several runtimes in one test stand for several processes: they share nothing but Redis)."""
from __future__ import annotations

import itertools

import pytest
import redis

from feelish import Runtime

_DB = itertools.count(1)


@pytest.fixture
def redis_url(redis_server) -> str:
    """A Redis database of its own for this test (1..15, flushed first)."""
    url = f"{redis_server.url}/{next(_DB) % 15 + 1}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


@pytest.fixture
def runtimes(redis_url, tmp_path):
    """`make(**settings)`: a Runtime on this test's Redis; all closed at the end."""
    made: list[Runtime] = []

    def make(**settings) -> Runtime:
        settings.setdefault("redis_url", redis_url)
        runtime = Runtime(document_folder=tmp_path, trust_env=False, **settings)
        made.append(runtime)
        return runtime
    yield make
    for runtime in made:
        runtime.close()
