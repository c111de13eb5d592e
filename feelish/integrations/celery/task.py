"""The task's body: one connector call in a worker, answered as `{"ok": true, "outputs", ...}` or
`{"ok": false, "error": {code, message, retryable, business, ...}}` with FEEL values encoded;
failures that may pass are retried through Celery with the connector's backoff (docs/scale.md)."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import feelish

from .codec import decode, encode
from .worker import Compiled, WorkerState

log = logging.getLogger("feelish.celery")

#: the most Celery retries a jobError can ask for
MAX_JOB_RETRIES = 20

SECRET_MASK_WARNING = "an output held a secret value the call used; it was masked"


def _retry_after(error: feelish.ConnectorError) -> str | None:
    headers = (error.response or {}).get("headers") or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            return value if isinstance(value, str) else value[0]
    return None


def error_answer(error: Exception, retries: int) -> dict[str, Any]:
    if isinstance(error, feelish.ConnectorError):
        body = {"code": error.code, "message": error.message, "retryable": bool(error.retryable),
                "business": isinstance(error, feelish.BusinessError), "field": error.field,
                "status": (error.response or {}).get("status"), "variables": encode(error.variables)}
    else:  # a template, input or value problem: the call was never made
        body = {"code": "INPUT_ERROR", "message": str(error), "retryable": False, "business": False,
                "field": None, "status": None, "variables": {}}
    return {"ok": False, "error": body, "retries": retries}


def _success(outcome: feelish.Outcome, retries: int) -> dict[str, Any]:
    warnings = [w.message for w in outcome.warnings]
    outputs = outcome.outputs
    if outcome.secret_values:
        masked = feelish.Redactor(outcome.secret_values).value(outputs)
        if masked != outputs:
            outputs = masked
            warnings.append(SECRET_MASK_WARNING)
    return {"ok": True, "outputs": encode(outputs), "attempts": outcome.attempts, "retries": retries,
            "warnings": warnings}


def _may_retry(error: feelish.ConnectorError) -> bool:
    return error.code in ("JOB_ERROR", "RATE_LIMITED") or bool(error.retryable)


def run_call(task, state: WorkerState, connector: Any, variables: Mapping[str, Any] | None,
             context: Mapping[str, Any] | None, default_retries: int) -> dict[str, Any]:
    """Run the call; raise `task.retry(...)` for a failure worth another try."""
    retries = task.request.retries
    compiled = None
    try:
        compiled = state.compiled(connector)
        values = decode(dict(variables or {}))
        outcome = _run(compiled, values, decode(dict(context or {})))
        return _success(outcome, retries)
    except feelish.ConnectorError as error:
        if compiled is not None and not isinstance(error, feelish.BusinessError) and _may_retry(error):
            delay = _retry_delay(compiled, values, error, retries, default_retries)
            if delay is not None:
                log.info("connector call failed with %s; retry %d in %.3g s", error.code, retries + 1, delay)
                raise task.retry(countdown=delay, max_retries=None) from None
        return error_answer(error, retries)
    except (feelish.FeelishError, ValueError, TypeError) as error:
        return error_answer(error, retries)


def _run(compiled: Compiled, variables: dict, context: dict) -> feelish.Outcome:
    if compiled.template is not None:
        return feelish.run_template(compiled.template, variables, context=context,
                                    connector=compiled.connector)
    return compiled.connector.run(variables, context=context)


def _retry_delay(compiled: Compiled, variables: dict, error: feelish.ConnectorError, retries: int,
                 default_retries: int) -> float | None:
    """Seconds until the next try, or None when the retries are spent (or may not be made)."""
    provider = compiled.connector.runtime.secrets
    try:
        policy, repeatable = compiled.retry_policy(compiled.scope(variables, provider), provider,
                                                   default_retries)
    except feelish.FeelishError:
        return None
    allowed = policy.retries
    if error.code == "JOB_ERROR" and error.job_retries is not None:
        allowed = min(error.job_retries, MAX_JOB_RETRIES)  # jobError(message, variables, retries, ...)
    if retries >= allowed:
        return None
    if not repeatable and error.code not in ("JOB_ERROR", "RATE_LIMITED"):
        return None  # a POST that may have reached the server is not sent twice
    if error.code == "JOB_ERROR" and error.job_backoff is not None:
        return min(error.job_backoff, policy.max_delay)
    return policy.wait(retries + 1, _retry_after(error))
