"""What one attempt's answer means (Camunda's contract): the error expression runs on every failed
attempt before the retry policy; a bpmnError or ignoreError ends the call at once, a plain failure
or a jobError goes on to the policy (docs/internals.md has the rules)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ConnectorError
from .outputs import ERROR_FUNCTIONS, error_dict, examine


@dataclass(slots=True)
class Step:
    """The decision after one attempt: `wait` seconds then try again (None: this was the last),
    the failure to raise (`error`), or the variables an `ignoreError` maps (`ignored`)."""

    wait: float | None
    error: ConnectorError | None = None
    ignored: dict | None = None
    mark: int = 0  # where this call's after-call warnings start in the recorder's list


def job_info(policy, method: str, attempt: int) -> dict:
    left = policy.retries - attempt + 1 if policy.may_retry(method) else 0
    return {"retries": max(left, 0) + 1, "attempt": attempt}


def decide(error_expression, p, ctx: dict | None, error: ConnectorError | None, attempt: int,
           scope: dict | None, recorder, mark: int, retry_after: str | None = None, *,
           final: bool = False) -> Step:
    """`final`: no attempt may follow (a token call, the end of a paginated one)."""
    policy = p.policy
    more = not final and attempt <= policy.retries and policy.may_retry(p.method)
    if error is None and more and ctx is not None and policy.status_retryable(ctx["status"]):
        return Step(policy.wait(attempt, retry_after), mark=mark)  # not a failure, but retried
    verdict = None
    if error_expression is not None:
        del recorder.warnings[mark:]  # only the last attempt's expression warnings are kept
        token = recorder.token
        seen = error_dict(error) if error else None
        if seen is not None and recorder.tainted:
            seen = recorder.redactor().value(seen)
        after: dict[str, Any] = {**scope, "response": {**ctx, "token": token} if ctx is not None else None,
                                 "error": seen, "job": job_info(policy, p.method, attempt),
                                 **ERROR_FUNCTIONS}
        verdict = examine(error_expression, after, recorder, ctx, error)
    if verdict is not None:
        kind, value = verdict
        if kind == "ignore":
            return Step(None, ignored=value, mark=mark)
        if kind == "bpmn":
            return Step(None, error=value, mark=mark)
        # a jobError replaces the failure; the policy still decides on the failure underneath
        if error is not None and error.retryable and more:
            return Step(value.backoff or policy.wait(attempt, retry_after), mark=mark)
        return Step(None, error=value, mark=mark)
    if error is not None and error.retryable and more:
        return Step(policy.wait(attempt, retry_after), mark=mark)
    return Step(None, error=error, mark=mark)
