"""The core never needs redis or celery: importing feelish, making runtimes (with in-process rate
limits too) and the connector modules leave both unimported."""
from __future__ import annotations

from fresh import run_fresh


def test_the_core_imports_neither_redis_nor_celery():
    code = ("import sys, feelish\n"
            "feelish.Runtime(rate_limits={'h': {'perSecond': 5}}).close()\n"
            "import feelish.connector.rate_limits, feelish.auth\n"
            "print(sorted(m for m in ('redis', 'celery', 'kombu') if m in sys.modules))")
    assert run_fresh(code).strip() == "[]"
