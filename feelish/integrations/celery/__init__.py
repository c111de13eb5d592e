"""Connector calls as Celery tasks (`pip install 'feelish[celery]'`): `install(app, runtime=...)`
registers the task in the workers' app, `call(app, connector, variables)` sends a call and
`result_of(async_result)` decodes its answer.  Secrets never travel: each worker process resolves
them from its own runtime's provider.  See docs/scale.md."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import feelish

from .codec import decode, encode
from .task import run_call
from .worker import WorkerState

TASK_NAME = "feelish.run_connector"

__all__ = ["TASK_NAME", "call", "decode", "encode", "install", "result_of"]


def install(app, *, runtime: Callable[[], feelish.Runtime] | None = None, name: str = TASK_NAME,
            default_retries: int = 3, **task_options: Any):
    """Register the connector task on `app` and return it.

    runtime:          makes the worker process's one `Runtime` (called in each process, after the
                      fork, on its first task); default `feelish.Runtime()`.
    default_retries:  Celery retries of a failure that may pass, when the connector sets no `retries`.
    The task is acknowledged late and rejected back to the queue if its worker process dies
    (`acks_late`, `reject_on_worker_lost`), so a killed worker loses no call.
    """
    state = WorkerState(runtime or feelish.Runtime)
    options = {"acks_late": True, "reject_on_worker_lost": True, "bind": True, "name": name,
               "max_retries": None, **task_options}

    @app.task(**options)
    def run_connector(self, connector: Any, variables: Mapping[str, Any] | None = None,
                      context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return run_call(self, state, connector, variables, context, default_retries)

    from celery.signals import worker_process_shutdown
    worker_process_shutdown.connect(lambda **_: state.close(), weak=False)
    run_connector.feelish_state = state
    return run_connector


def call(app, connector: Any, variables: Mapping[str, Any] | None = None, *,
         context: Mapping[str, Any] | None = None, name: str = TASK_NAME, **options: Any):
    """Send one call (variables encoded); returns Celery's AsyncResult.  `options` go to
    `send_task` (queue, countdown, ...)."""
    kwargs = {"connector": connector, "variables": encode(dict(variables or {})),
              "context": encode(dict(context or {}))}
    return app.send_task(name, kwargs=kwargs, **options)


def result_of(async_result, timeout: float | None = None) -> dict[str, Any]:
    """The task's answer with outputs and error variables decoded back into FEEL values."""
    answer = dict(async_result.get(timeout=timeout))
    if answer.get("ok"):
        answer["outputs"] = decode(answer["outputs"])
    else:
        answer["error"] = {**answer["error"], "variables": decode(answer["error"].get("variables") or {})}
    return answer
