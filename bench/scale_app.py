"""The Celery app of the scale-out benchmark's workers (`celery -A bench.scale_app worker`):
broker, result backend and shared state on the Redis named by FEELISH_BENCH_REDIS."""
from __future__ import annotations

import os

from celery import Celery

import feelish
from feelish.integrations.celery import install

REDIS = os.environ.get("FEELISH_BENCH_REDIS", "redis://127.0.0.1:6379/0")

app = Celery("feelish_bench", broker=REDIS, backend=REDIS)
app.conf.update(worker_prefetch_multiplier=4, broker_connection_retry_on_startup=True,
                result_expires=600)
install(app, runtime=lambda: feelish.Runtime(redis_url=REDIS, trust_env=False))


@app.task(name="bench.noop", acks_late=True)
def noop(**kwargs) -> dict:
    """Celery's own cost per task on this machine: the same message shape, no connector call."""
    return {"ok": True}
