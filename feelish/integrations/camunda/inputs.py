"""A job's input variables read as Camunda's REST connector reads them (`url`, `method`, `headers`,
`queryParameters`, `body`, `authentication.*`, timeouts, ...), as `feelish.Connector` fields:
`=` strings are FEEL, `{{secrets.NAME}}` comes from the runtime's provider at call time (so the
call knows and redacts every value used), JSON text is parsed; all other text is data."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

import feelish
from feelish import ConnectorError, SecretError
from feelish.templates.importers.camunda import BRACED_SECRET, feel_text

#: the REST connector's input variables (the job worker fetches only these)
INPUT_VARIABLES = ("url", "method", "authentication", "clientTls", "headers", "queryParameters",
                   "skipEncoding", "connectionTimeoutInSeconds", "readTimeoutInSeconds", "body",
                   "storeResponse", "documentReturnFormat", "groupSetCookieHeaders", "ignoreNullValues",
                   "followRedirects", "authenticationConfiguration")

#: Camunda input -> feelish field, for the inputs that carry over unchanged
_SAME = ("url", "method", "headers", "queryParameters", "body", "authentication", "ignoreNullValues",
         "followRedirects", "authenticationConfiguration")
_JSON_TEXT = ("headers", "queryParameters", "body")

_BARE = re.compile(r"secrets\.((?:[a-zA-Z0-9]+[/._-])*[a-zA-Z0-9]+)")


@lru_cache(maxsize=512)
def compiled(text: str):
    """FEEL text -> compiled Expression, cached by text (models repeat the same expressions);
    `{{secrets.NAME}}` in it becomes feelish's placeholder, as the template importer writes it."""
    return feelish.compile(feel_text(text))


class JobValue:
    """One input value of a job, evaluated when the connector runs, with the call's secret
    recorder: a string starting with `=` is FEEL evaluated against the job's variables;
    `{{secrets.NAME}}` in other strings is resolved; feelish's own `<<secrets.NAME>>` syntax in
    job data stays text.  Has the `evaluate(variables, *, secrets)` shape of a precompiled
    connector field."""

    __slots__ = ("name", "value", "source")

    def __init__(self, name: str, value: Any):
        if name in _JSON_TEXT and isinstance(value, str) and not value.startswith("="):
            value = _json_text(value, name)  # parsed before placeholders are resolved
        self.name = name
        self.value = value
        self.source = None
        _check_feel(value, name)

    def evaluate(self, variables: Mapping[str, Any], *, secrets=None) -> Any:
        return _resolve(self.value, variables, secrets)

    def __repr__(self) -> str:
        return f"JobValue({self.name})"


def _check_feel(value: Any, name: str) -> None:
    """Compile every `=` expression now, so a syntax error fails the job before any call."""
    if isinstance(value, str) and value.startswith("="):
        try:
            compiled(value[1:])
        except feelish.FeelSyntaxError as exc:
            raise ConnectorError("INPUT_ERROR", f"input {name!r}: {exc}", field=name) from None
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_feel(item, f"{name}.{key}")
    elif isinstance(value, list):
        for item in value:
            _check_feel(item, name)


def _resolve(value: Any, variables: Mapping[str, Any], secrets) -> Any:
    if isinstance(value, str):
        if value.startswith("="):
            return compiled(value[1:]).evaluate(variables, secrets=secrets)
        return substitute(value, secrets)
    if isinstance(value, Mapping):
        return {substitute(str(k), secrets): _resolve(v, variables, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, variables, secrets) for v in value]
    return value


def substitute(text: str, secrets) -> str:
    """Resolve `{{secrets.NAME}}` (a missing secret is an error naming it).  A value that is
    exactly `secrets.NAME`, Camunda's older form, is resolved when the secret exists; inside
    other text that form is left alone (it would match ordinary words such as `secrets.md`)."""
    if "secrets." not in text:
        return text
    whole = _BARE.fullmatch(text)
    if whole is not None:
        value = None if secrets is None else secrets.get(whole.group(1))
        return text if value is None else value

    def braced(match: re.Match) -> str:
        name = match.group(1).strip()
        value = None if secrets is None else secrets.get(name)
        if value is None:
            raise SecretError(f"secret {name!r} is not available", name=name)
        return value

    return BRACED_SECRET.sub(braced, text)  # one pass: a secret's value is never scanned again


def _json_text(text: str, name: str) -> Any:
    """Camunda parses JSON given as text: `'{"a": 1}'` is a context, `'12'` a number; a string
    in quotes and text that is not JSON stay strings (for `body`; headers and query
    parameters must then be contexts)."""
    stripped = text.strip()
    if not stripped or (name == "body" and stripped[0] in "\"'" and stripped[-1] == stripped[0]):
        return text
    try:
        parsed = json.loads(stripped, parse_float=Decimal)
    except ValueError:
        return text
    return text if parsed is None else parsed


def _number(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = None
    elif isinstance(value, (int, Decimal)) and value == int(value):
        value = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value < 0:
        raise ConnectorError("INPUT_ERROR", f"input {name!r} must be a whole number of seconds "
                             "(0 = no limit)", field=name)
    return value


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, bool):
        return value
    raise ConnectorError("INPUT_ERROR", f"input {name!r} must be true or false", field=name)


def connector_fields(variables: Mapping[str, Any]) -> dict[str, Any]:
    """The `feelish.Connector.from_mapping` fields for a job's variables.  Raises
    ConnectorError(INPUT_ERROR) for a missing URL, a bad value or an unsupported input."""
    if variables.get("url") in (None, ""):
        raise ConnectorError("INPUT_ERROR", "input 'url' is required", field="url")
    fields: dict[str, Any] = {}
    for name in _SAME:
        value = variables.get(name)
        if value is not None:
            fields[name] = JobValue(name, value)
    connect = _number(_literal(variables, "connectionTimeoutInSeconds"), "connectionTimeoutInSeconds")
    read = _number(_literal(variables, "readTimeoutInSeconds"), "readTimeoutInSeconds")
    # Camunda: 20 s by default; the read timeout defaults to the connection timeout
    fields["connectionTimeoutInSeconds"] = feelish.Literal(20 if connect is None else connect)
    fields["readTimeoutInSeconds"] = feelish.Literal(read if read is not None else
                                                     connect if connect is not None else 20)
    skip = variables.get("skipEncoding")
    if skip not in (None, ""):
        fields["skipEncoding"] = feelish.Literal(_flag(skip, "skipEncoding"))
    for name in ("ignoreNullValues", "followRedirects"):
        if isinstance(variables.get(name), str):
            fields[name] = feelish.Literal(_flag(variables[name], name))
    if variables.get("clientTls") not in (None, {}):
        raise ConnectorError("INPUT_ERROR", "input 'clientTls' is not supported by the feelish "
                             "worker; configure client certificates on the worker's Runtime",
                             field="clientTls")
    if variables.get("groupSetCookieHeaders") not in (None, False, "false"):
        raise ConnectorError("INPUT_ERROR", "input 'groupSetCookieHeaders' is not supported by the "
                             "feelish worker", field="groupSetCookieHeaders")
    if str(variables.get("documentReturnFormat") or "json").lower() != "json":
        raise ConnectorError("INPUT_ERROR", "input 'documentReturnFormat': the feelish worker "
                             "returns bodies as JSON (or text) only", field="documentReturnFormat")
    # storeResponse is deprecated in Camunda and ignored here
    return fields


def _literal(variables: Mapping[str, Any], name: str) -> Any:
    value = variables.get(name)
    if isinstance(value, str) and value.startswith("="):
        raise ConnectorError("INPUT_ERROR", f"input {name!r} must be a number, not a FEEL "
                             "expression", field=name)
    return value
