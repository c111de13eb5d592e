"""What a job's result means to Camunda, decided as Complete, Fail or ThrowError: `resultVariable`,
`resultExpression` and `errorExpression` (with Camunda's `bpmnError`, `jobError`, `ignoreError`)
see the response's fields at the top level and as `response`, or `error` after a failure, and
`job.retries`, as in Camunda's connector runtime."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import feelish
from feelish import ConnectorError, FeelishError, FeelFunction
from feelish.language.nanos import WideDuration, duration_nanos, make_duration

from .inputs import compiled
from .job import Job
from .json_values import jsonable

#: Camunda truncates failure and error messages to this length
MAX_MESSAGE = 6000


@dataclass(frozen=True)
class Complete:
    variables: dict[str, Any]


@dataclass(frozen=True)
class Fail:
    message: str
    retries: int
    backoff: timedelta | None = None
    variables: dict[str, Any] | None = field(default=None)


@dataclass(frozen=True)
class ThrowError:
    code: str
    message: str | None
    variables: dict[str, Any]


Action = Complete | Fail | ThrowError


class _Verdict(FeelFunction):
    """`bpmnError(errorCode, errorMessage?, variables?)`, `jobError(errorMessage, variables?,
    retries?, retryBackoff?)`, `ignoreError(variables?)`: each returns a context with `errorType`."""

    __slots__ = ("name", "params", "defaults")

    def __init__(self, name: str, params: tuple[str, ...], defaults: dict[str, Any]):
        self.name = name
        self.params = params
        self.defaults = defaults

    def invoke(self, args: list[Any], ctx: Any) -> dict:
        return self.invoke_named(dict(zip(self.params, args)), ctx)

    def invoke_named(self, named: dict[str, Any], ctx: Any) -> dict:
        return {"errorType": self.name, **self.defaults,
                **{k: v for k, v in named.items() if k in self.params}}

    def __repr__(self) -> str:
        return f"<function {self.name}>"


FUNCTIONS = {
    "bpmnError": _Verdict("bpmnError", ("errorCode", "errorMessage", "variables"), {}),
    "jobError": _Verdict("jobError", ("errorMessage", "variables", "retries", "retryBackoff"),
                         {"variables": {}, "retries": 0, "retryBackoff": timedelta(0)}),
    "ignoreError": _Verdict("ignoreError", ("variables",), {}),
}


class MappingError(Exception):
    """The result or error expression could not be applied: the job fails without retries."""


def _expression(job: Job, header: str):
    text = job.header(header)
    if text is None:
        return None
    text = text.strip()
    try:
        return compiled(text[1:] if text.startswith("=") else text)
    except feelish.FeelSyntaxError as exc:
        raise MappingError(f"{header}: {exc}") from None


def map_result(job: Job, response: dict[str, Any]) -> dict[str, Any]:
    """`resultVariable` gets the whole response; `resultExpression`'s context entries become
    variables."""
    outputs: dict[str, Any] = {}
    if job.header("resultVariable"):
        outputs[job.header("resultVariable").strip()] = response
    expression = _expression(job, "resultExpression")
    if expression is not None:
        try:
            value = expression.evaluate({**response, "response": response})
        except FeelishError as exc:
            raise MappingError(f"resultExpression failed: {exc}") from None
        if value is not None and not isinstance(value, Mapping):
            raise MappingError("resultExpression must return a context (its entries become "
                               f"variables), not {type(value).__name__}")
        outputs.update(value or {})
    return outputs


def _examine(job: Job, scope: dict[str, Any]) -> Action | None:
    expression = _expression(job, "errorExpression")
    if expression is None:
        return None
    try:
        verdict = expression.evaluate({**scope, "job": {"retries": job.retries}, **FUNCTIONS})
    except FeelishError as exc:
        raise MappingError(f"errorExpression failed: {exc}") from None
    if verdict is None or verdict == {}:
        return None
    if not isinstance(verdict, Mapping):
        raise MappingError(f"errorExpression must return a context, not {type(verdict).__name__}")
    kind = verdict.get("errorType")
    variables = verdict.get("variables")
    variables = dict(variables) if isinstance(variables, Mapping) else {}
    if kind == "bpmnError":
        code = verdict.get("errorCode")
        if code is None:
            return None
        message = verdict.get("errorMessage")
        return ThrowError(str(code), None if message is None else str(message)[:MAX_MESSAGE], variables)
    if kind == "jobError":
        message = str(verdict.get("errorMessage") or "")
        backoff = _backoff(verdict.get("retryBackoff"))
        retries = verdict.get("retries")
        try:
            retries = int(retries)
        except (TypeError, ValueError):
            raise MappingError("jobError: retries must be a number") from None
        variables = {**variables, "error": message}
        return Fail(_with_variables(message, variables), max(retries, 0), backoff, variables)
    if kind == "ignoreError":
        return Complete(variables)
    raise MappingError("errorExpression returned a context without a known errorType; use "
                       "bpmnError(...), jobError(...) or ignoreError(...)")


def _backoff(value: Any) -> timedelta:
    """jobError's retryBackoff: a days-time duration, plain or wide (the nanoseconds below the
    microsecond dropped: Camunda counts in milliseconds)."""
    if not isinstance(value, (timedelta, WideDuration)) or value < timedelta(0):
        raise MappingError("jobError: retryBackoff must be a days-time duration such as @\"PT30S\"")
    held = make_duration(duration_nanos(value) // 1000 * 1000)
    if not isinstance(held, timedelta):
        raise MappingError(f"jobError: retryBackoff {value} is longer than any wait")
    return held


def on_success(job: Job, response: dict[str, Any]) -> Action:
    """The action after a call that succeeded (the error expression may still raise an error)."""
    try:
        return _examine(job, {**response, "response": response}) or Complete(map_result(job, response))
    except MappingError as exc:
        return Fail(str(exc)[:MAX_MESSAGE], 0)


def error_context(error: ConnectorError) -> dict[str, Any]:
    """`{type, message, code, variables}`, as the error expression and Operate see a failure."""
    variables = error.variables or ({"response": error.response} if error.response else {})
    return {"type": type(error).__name__, "message": error.message[:MAX_MESSAGE], "code": error.code,
            "variables": variables}


def on_failure(job: Job, error: ConnectorError, backoff: timedelta | None) -> Action:
    """The action after a failed call: the error expression decides, else the job fails with
    one retry less (none for bad input) after `retryBackoff`."""
    context = error_context(error)
    try:
        action = _examine(job, {"error": context, "response": {"error": context}})
    except MappingError as exc:
        return Fail(str(exc)[:MAX_MESSAGE], 0)
    if action is not None:
        return action
    retries = 0 if error.code == "INPUT_ERROR" else job.retries - 1
    variables = {"error": context}
    return Fail(_with_variables(error.message, variables), max(retries, 0), backoff, variables)


def _with_variables(message: str, variables: dict[str, Any]) -> str:
    text = json.dumps(jsonable(variables), ensure_ascii=False, separators=(",", ":"))
    return f"{message} | Error variables: {text}"[:MAX_MESSAGE]
