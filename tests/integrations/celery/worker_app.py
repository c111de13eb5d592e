"""The Celery app the test workers run (`celery -A tests.integrations.celery.worker_app worker`),
configured from the environment the test sets: broker and result backend, the Redis holding
the shared state, the secrets (`FEELISH_TEST_SECRET_*`, read in the worker only), credentials and
rate limits.  For the assertions each worker process also notes, in the broker's Redis, which
process completed which task (`test:pids`, `test:completed`)."""
from __future__ import annotations

import json
import os

import redis
from celery import Celery
from celery.signals import task_success

import feelish
from feelish.integrations.celery import install

BROKER = os.environ.get("FEELISH_TEST_BROKER", "redis://127.0.0.1:6379/0")

app = Celery("feelish_test", broker=BROKER, backend=BROKER)
app.conf.update(worker_prefetch_multiplier=1, task_serializer="json", result_serializer="json",
                accept_content=["json"], broker_connection_retry_on_startup=True,
                result_expires=600)


def make_runtime() -> feelish.Runtime:
    return feelish.Runtime(
        secrets=feelish.EnvironmentSecrets("FEELISH_TEST_SECRET_"),
        redis_url=os.environ.get("FEELISH_TEST_STATE") or None,
        credentials=json.loads(os.environ.get("FEELISH_TEST_CREDENTIALS", "{}")),
        rate_limits=json.loads(os.environ.get("FEELISH_TEST_RATE_LIMITS", "{}")),
        trust_env=False)


run_connector = install(app, runtime=make_runtime)
_notes = redis.Redis.from_url(BROKER)


@task_success.connect
def _note_completion(sender=None, result=None, **_):
    request = sender.request
    pipe = _notes.pipeline()
    pipe.hincrby("test:pids", str(os.getpid()), 1)
    pipe.hincrby("test:completed", request.id, 1)
    pipe.execute()
