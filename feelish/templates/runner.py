"""Run a checked template through the connector runtime, for real or dry (`run_template`): its
expressions see only its declared inputs, and secret inputs are redacted everywhere."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..errors import ConnectorError, TemplateError, line_col
from ..connector import Connector
from ..connector.fields import secret_braces
from ..secrets import Redactor, as_provider, iter_secret_names
from . import fields as F
from .advice import undeclared
from .binding import bind_inputs, bind_secret_args, secret_input_values, to_mapping
from .model import Template


def connector_for(template: Template, runtime: Any = None):
    """The runtime `Connector` for a template (compiled once per call of this function)."""
    try:
        return Connector.from_mapping(to_mapping(template), inputs=list(template.inputs),
                                      runtime=runtime, name=template.name)
    except ConnectorError as exc:  # a constant field the runtime refuses: the template is wrong
        raise _template_error(template, exc) from None


def _field_span(template: Template, field: str | None):
    """Where the template sets the runtime field `field` (`authentication.x` -> its group's line)."""
    head = (field or "").split(".")[0]
    for key, decl in template.fields.items():
        if key == head or key.startswith(head + ".") or F.ALIASES.get(key) == head:
            return decl.value.span if key == head else decl.key_span
    return None


def _template_error(template: Template, exc: ConnectorError) -> TemplateError:
    return TemplateError(exc.message, source=template.source, span=_field_span(template, exc.field),
                         origin=template.origin)


def _locate(exc: ConnectorError, template: Template) -> ConnectorError:
    """Append the template position of the field an input error is about."""
    span = _field_span(template, exc.field) if exc.field else None
    if span is not None and exc.code == "INPUT_ERROR":
        line, column = line_col(template.source, span.start)
        first, newline, rest = exc.message.partition("\n")
        where = f"{template.origin or template.name}:{line}:{column}"
        exc.message = f"{first} (set at {where}){newline}{rest}"
        exc.args = (exc.message,)
    return exc


def _redactor(template: Template, scope: Mapping[str, Any]) -> Redactor:
    return Redactor(secret_input_values(template, scope))


def run_template(template: Template, variables: Mapping[str, Any] | None = None, *,
                 secrets: Any = None, runtime: Any = None, context: Mapping[str, Any] | None = None,
                 connector: Any = None, secret_args: Mapping[str, str] | None = None):
    """Call the connector; returns the runtime's `Outcome(outputs, response)`.

    `secret_args`: inputs bound to named secrets, `{"auth.password": "API_PASSWORD"}` (see
    `bind_secret_args`).  Raises TemplateError for a missing or mistyped input, SecretError for a
    missing bound secret, ConnectorError when the call fails.
    A variable the template does not declare is ignored, with a warning (did you mean ...?) first
    in `outcome.warnings` (or the error's `warnings`).
    """
    variables = bind_secret_args(variables, secret_args, secrets)
    scope = bind_inputs(template, variables, secrets=secrets)
    redactor = _redactor(template, scope)
    connector = connector or connector_for(template, runtime)
    ignored = tuple(undeclared(template, variables))  # never dropped silently
    try:
        outcome = connector.run(scope, secrets=secrets, context=context)
    except ConnectorError as exc:
        exc.warnings = (*ignored, *exc.warnings)
        raise _locate(exc.redact(redactor), template) from None
    return dataclasses.replace(outcome, warnings=(*ignored, *outcome.warnings)) if ignored else outcome


def dry_run_template(template: Template, variables: Mapping[str, Any] | None = None, *,
                     secrets: Any = None, runtime: Any = None, context: Mapping[str, Any] | None = None,
                     connector: Any = None, secret_args: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The request the connector would send (method, url, headers, body), nothing sent.

    Secrets show as `<<secrets.NAME>>` (the runtime's doing); secret inputs and every value
    computed from a secret as `***`.
    """
    variables = bind_secret_args(variables, secret_args, secrets)
    scope = bind_inputs(template, variables, secrets=secrets)
    redactor = _redactor(template, scope)
    connector = connector or connector_for(template, runtime)
    try:
        request = connector.dry_run(scope, secrets=secrets, context=context)
    except ConnectorError as exc:
        raise _locate(exc.redact(redactor), template) from None
    if hasattr(request, "to_dict"):
        data = request.to_dict()
    elif dataclasses.is_dataclass(request):
        data = dataclasses.asdict(request)
    else:
        data = dict(request)
    return redactor.value(data) if redactor else data


def output_redactor(template: Template, variables: Mapping[str, Any] | None, secrets: Any) -> Redactor:
    """For printing a call's outputs: hides the values of the secrets the template names and of
    the inputs it declares `secret` (the CLI and the REPL apply it; `run_template` does not)."""
    provider = as_provider(secrets)
    values = [provider.get(name) for name in set(iter_secret_names(secret_braces(template.source)))]
    given = variables or {}
    values += [given.get(name) for name, decl in template.inputs.items() if decl.secret]
    return Redactor(v for v in values if isinstance(v, str) and v)
