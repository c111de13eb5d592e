"""Output mapping (resultVariable, resultExpression) and the error expression, which decides what a
call means (default handling, `bpmnError`, `ignoreError` or `jobError`); all outputs map or none."""
from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..errors import BusinessError, ConnectorError, FeelishError, JobError, Warning
from ..language.values import FeelFailure, FeelFunction, is_number
from .retry import backoff as compute_backoff
from .retry import seconds


class _OutcomeFunction(FeelFunction):
    """One of the error expression's functions: positional or named arguments, checked."""

    __slots__ = ("name", "params", "aliases", "build")

    def __init__(self, name: str, params: tuple[str, ...], aliases: dict[str, str], build):
        self.name = name
        self.params = params
        self.aliases = aliases
        self.build = build

    def invoke(self, args: list[Any], ctx: Any) -> Any:
        problems = []
        if len(args) > len(self.params):
            problems.append(f"takes at most {len(self.params)} arguments ({', '.join(self.params)}); "
                            f"{len(args) - len(self.params)} extra ignored")
        return self._call(dict(zip(self.params, args)), problems, ctx)

    def invoke_named(self, named: dict[str, Any], ctx: Any) -> Any:
        problems, given = [], {}
        for key, value in named.items():
            key = self.aliases.get(key, key)
            if key in self.params:
                given[key] = value
            else:
                problems.append(f"has no parameter {key!r} (parameters: {', '.join(self.params)}); ignored")
        return self._call(given, problems, ctx)

    def _call(self, given: dict, problems: list, ctx) -> Any:
        value = self.build(given, problems)
        if problems and ctx is not None and hasattr(ctx, "warn"):
            ctx.warn("invalid-argument", f"{self.name}(): " + "; ".join(problems))
        return value

    def __repr__(self) -> str:
        return f"<function {self.name}>"


def _text(given: dict, name: str, problems: list, default=None):
    value = given.get(name)
    if value is None or isinstance(value, str):
        return default if value is None else value
    problems.append(f"{name} must be a string, not {_kind_of(value)}; used as {value!s}")
    return str(value)


def _context(given: dict, name: str, problems: list) -> dict:
    value = given.get(name)
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    problems.append(f"{name} must be a context, not {_kind_of(value)}; {{}} used")
    return {}


def _number(given: dict, name: str, problems: list, default, *, whole: bool = False):
    value = given.get(name)
    if value is None:
        return default
    if is_number(value) and (not whole or value == int(value)):
        return max(0, int(value)) if whole else float(value)  # negative retries: none left (Camunda)
    wanted = "a whole number" if whole else "a number"
    problems.append(f"{name} must be {wanted}, not {value!r}; {default} used")
    return default


def _duration(given: dict, name: str, problems: list, default: float | None) -> float | None:
    value = given.get(name)
    if value is None:
        return default
    if isinstance(value, _dt.timedelta) and value >= _dt.timedelta(0):
        return value.total_seconds()
    try:
        number = seconds(value, name)
    except ConnectorError:
        problems.append(f"{name} must be a duration such as duration(\"PT5S\"), not {value!r}; "
                        + ("left unset" if default is None else f"PT{default:g}S used"))
        return default
    if not isinstance(value, str):  # ISO text ("PT5S") is a duration; a bare number is a guess
        problems.append(f"{name} should be a duration such as duration(\"PT5S\"); {value!r} taken as "
                        f"{number:g} seconds")
    return number


def _bpmn_error(given: dict, problems: list) -> dict:
    code = _text(given, "errorCode", problems)
    if code is None:
        problems.append("errorCode is missing: the error expression's result is ignored")
    return {"errorType": "bpmnError", "code": code, "message": _text(given, "errorMessage", problems),
            "variables": _context(given, "variables", problems)}


def _ignore_error(given: dict, problems: list) -> dict:
    return {"errorType": "ignoreError", "variables": _context(given, "variables", problems)}


def _job_error(given: dict, problems: list) -> dict:
    """retries / retryBackoff stay null when not (validly) given: the JobError then reports
    Camunda's defaults (0, PT0S) as `retries` / `backoff`, and None as `job_retries` /
    `job_backoff`, so an engine with modelled retries can tell "not said" from "0"."""
    backoff = _duration(given, "retryBackoff", problems, None)
    return {"errorType": "jobError", "message": _text(given, "errorMessage", problems, "job error"),
            "variables": _context(given, "variables", problems),
            "retries": _number(given, "retries", problems, None, whole=True),
            "retryBackoff": None if backoff is None else _dt.timedelta(seconds=backoff)}


def _backoff(given: dict, problems: list) -> _dt.timedelta:
    attempt = _number(given, "attempt", problems, None)
    if attempt is None:
        raise FeelFailure("function-invocation-failure", "backoff(): 'attempt' (a number >= 1) is required")
    try:
        delay = compute_backoff(attempt, _duration(given, "minDelay", problems, 0.05),
                                _number(given, "factor", problems, 1.6),
                                _duration(given, "maxDelay", problems, 5.0),
                                _number(given, "jitterFactor", problems, 0.1))
    except ValueError as exc:
        raise FeelFailure("function-invocation-failure", f"backoff(): {exc}") from None
    return _dt.timedelta(seconds=delay)


#: feelish's and Camunda's other spellings of jobError's parameters (Camunda's docs say `timeout`)
_JOB_ALIASES = {"message": "errorMessage", "backoff": "retryBackoff", "timeout": "retryBackoff"}

ERROR_FUNCTIONS = {
    "bpmnError": _OutcomeFunction("bpmnError", ("errorCode", "errorMessage", "variables"),
                                  {"code": "errorCode", "message": "errorMessage"}, _bpmn_error),
    "ignoreError": _OutcomeFunction("ignoreError", ("variables",), {}, _ignore_error),
    "jobError": _OutcomeFunction("jobError", ("errorMessage", "variables", "retries", "retryBackoff"),
                                 _JOB_ALIASES, _job_error),
    "backoff": _OutcomeFunction("backoff", ("attempt", "minDelay", "factor", "maxDelay", "jitterFactor"),
                                {}, _backoff),
}


def _kind_of(value) -> str:
    return "a context" if isinstance(value, Mapping) else "a list" if isinstance(value, list) else \
        "a string" if isinstance(value, str) else "a number" if isinstance(value, (int, float, Decimal)) \
        else type(value).__name__


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


def _pick(verdict: Mapping, *names):
    for name in names:
        if verdict.get(name) is not None:
            return verdict[name]
    return None


def examine(error_expression, scope: dict, secrets, response, error: ConnectorError | None):
    """Run the error expression. Returns None (default handling), ("ignore", variables),
    ("bpmn", BusinessError) or ("job", JobError); never raises."""
    if error_expression is None:
        return None
    try:
        verdict = evaluate(error_expression, scope, secrets, "errorExpression")
    except FeelishError as exc:  # keep the original outcome; never an instant incident
        sink = getattr(secrets, "warnings", None)
        if sink is not None:
            sink.append(Warning("error-expression-failed", f"field errorExpression: it failed, so "
                                f"the call's own outcome stands: {str(exc).splitlines()[0]}"))
        return None
    if not verdict or not isinstance(verdict, Mapping):
        return None
    kind = verdict.get("errorType") or ("bpmnError" if _pick(verdict, "code", "errorCode") is not None
                                        else None)
    variables = verdict.get("variables") if isinstance(verdict.get("variables"), Mapping) else {}
    if kind == "bpmnError":
        code = _pick(verdict, "code", "errorCode")
        if code is None or code == "":
            return None
        message = _pick(verdict, "message", "errorMessage") or (error.message if error else "business error")
        return "bpmn", BusinessError(str(code), str(message), response=response, variables=dict(variables))
    if kind == "ignoreError":
        return "ignore", dict(variables)
    if kind == "jobError":  # a plain context is checked like the function's arguments
        given = {_JOB_ALIASES.get(k, k): v for k, v in verdict.items() if k != "errorType"}
        problems: list = []
        made = _job_error(given, problems)
        sink = getattr(secrets, "warnings", None)
        if problems and sink is not None:
            sink.append(Warning("invalid-argument", "field errorExpression: jobError: " + "; ".join(problems)))
        wait = made["retryBackoff"]
        return "job", JobError(made["message"], retries=made["retries"],
                               backoff=None if wait is None else wait.total_seconds(), response=response,
                               variables=made["variables"])
    return None

