"""Output mapping (resultVariable, resultExpression) and the error expression, which decides what a
call means (default handling, `bpmnError`, `ignoreError` or `jobError`); all outputs map or none."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..errors import BusinessError, ConnectorError, FeelishError, Warning
from ..language.values import FeelFunction
from .retry import seconds


class _OutcomeFunction(FeelFunction):
    __slots__ = ("name", "params", "kind")

    def __init__(self, name: str, kind: str, params: tuple[str, ...]):
        self.name = name
        self.kind = kind
        self.params = params

    def invoke(self, args: list[Any], ctx: Any) -> dict:
        return self.invoke_named(dict(zip(self.params, args)), ctx)

    def invoke_named(self, named: dict[str, Any], ctx: Any) -> dict:
        return {"errorType": self.kind, **{k: v for k, v in named.items() if k in self.params}}

    def __repr__(self) -> str:
        return f"<function {self.name}>"


ERROR_FUNCTIONS = {
    "bpmnError": _OutcomeFunction("bpmnError", "bpmnError", ("code", "message", "variables")),
    "ignoreError": _OutcomeFunction("ignoreError", "ignoreError", ("variables",)),
    # the backoff is `timeout` (4th) or, by name, `retryBackoff` (the Camunda worker's spelling)
    "jobError": _OutcomeFunction("jobError", "jobError",
                                 ("message", "variables", "retries", "timeout", "retryBackoff")),
}


def _kind_of(value) -> str:
    return "a context" if isinstance(value, Mapping) else "a list" if isinstance(value, list) else \
        "a string" if isinstance(value, str) else type(value).__name__


def evaluate(expression, scope: dict, secrets, field: str):
    """Evaluate an after-call expression; its warnings join the call's (the recorder's list),
    prefixed with the field name like the request fields' warnings."""
    sink = getattr(secrets, "warnings", None)
    if sink is None or not hasattr(expression, "evaluate_with_warnings"):
        return expression.evaluate(scope, secrets=secrets)
    result = expression.evaluate_with_warnings(scope, secrets=secrets)
    for w in result.warnings:
        sink.append(Warning(w.kind, f"field {field}: {w.message}", w.span))
    return result.value


def map_outputs(result_variable: str | None, result_expression, scope: dict, response: dict,
                secrets) -> dict:
    outputs: dict[str, Any] = {}
    if result_variable:
        outputs[result_variable] = response
    if result_expression is not None:
        try:
            value = evaluate(result_expression, scope, secrets, "resultExpression")
        except FeelishError as exc:
            raise ConnectorError("RESULT_ERROR", f"resultExpression failed: {exc}",
                                 response=response, field="resultExpression") from None
        if value is None:
            return outputs
        if not isinstance(value, Mapping):
            raise ConnectorError("RESULT_ERROR", "resultExpression must return a context (its "
                                 f"entries become variables), but returned {_kind_of(value)}",
                                 response=response, field="resultExpression")
        outputs.update(value)
    return outputs


def error_dict(error: ConnectorError) -> dict:
    return {"code": error.code, "message": error.message, "type": type(error).__name__,
            "variables": error.variables or ({"response": error.response} if error.response else {})}


def examine(error_expression, scope: dict, secrets, response, error: ConnectorError | None):
    """Run the error expression. Returns None (default handling), or ("ignore", variables);
    raises BusinessError / ConnectorError when the expression says so."""
    if error_expression is None:
        return None
    try:
        verdict = evaluate(error_expression, scope, secrets, "errorExpression")
    except FeelishError:
        return None  # keep the original outcome; never an instant incident
    if not verdict or not isinstance(verdict, Mapping):
        return None
    kind = verdict.get("errorType") or ("bpmnError" if verdict.get("code") is not None else None)
    variables = verdict.get("variables") if isinstance(verdict.get("variables"), Mapping) else {}
    if kind == "bpmnError":
        code = verdict.get("code")
        if code is None or code == "":
            return None
        message = verdict.get("message") or (error.message if error else "business error")
        raise BusinessError(str(code), str(message), response=response, variables=dict(variables))
    if kind == "ignoreError":
        return ("ignore", dict(variables))
    if kind == "jobError":
        raise ConnectorError("JOB_ERROR", str(verdict.get("message") or "job error"),
                             response=response, variables=dict(variables),
                             job_retries=_job_retries(verdict.get("retries")),
                             job_backoff=_job_backoff(verdict.get("timeout", verdict.get("retryBackoff"))))
    return None


def _job_retries(value) -> int | None:
    """The retries a jobError asks for: a whole number >= 0, else not said (None)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    return max(0, int(value)) if value == int(value) else None


def _job_backoff(value) -> float | None:
    """The backoff a jobError asks for, in seconds (a duration, seconds, or ISO text); else None."""
    if value is None:
        return None
    try:
        return seconds(value, "jobError timeout")
    except ConnectorError:
        return None
