"""The connector's fields: names (Camunda's), defaults, and how each value (expression text, a
literal, or a precompiled expression) is compiled once."""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ConnectorError, FeelishError, SourceError, Warning
from ..secrets import PLACEHOLDER, split_placeholders
from ..taint import spliced

MB = 1024 * 1024

#: every field and its default (None = absent).  Order is the documentation order.
DEFAULTS: dict[str, Any] = {
    "kind": "rest",
    "method": "GET",
    "url": None,
    "queryParameters": None,
    "headers": None,
    "cookies": None,                      # Bonita's urlCookies: one `Cookie` header
    "body": None,
    "contentType": None,
    "charset": None,                      # None = UTF-8, not announced
    "authentication": None,
    "authenticationConfiguration": None,  # a Runtime credential name (or a context); wins
    "connectionTimeoutInSeconds": 20,
    "readTimeoutInSeconds": 20,
    "timeoutInSeconds": 300,              # the whole call: connect, token, retries, redirects, body
    "followRedirects": False,
    "keepCredentialsOnRedirect": False,   # credentials follow a redirect to another origin
    "allowInsecureRedirects": False,      # follow a redirect from https to http
    "maxRedirects": 10,
    "skipEncoding": False,
    "ignoreNullValues": False,
    "verify": True,
    "caCertificate": None,
    "clientCertificate": None,
    "clientKey": None,
    "clientKeyPassword": None,
    "proxy": None,
    "noProxy": None,
    "responseMaxBytes": 50 * MB,
    "inlineLimitBytes": MB + MB // 2,     # only for bodies without a Content-Type
    "responseFormat": "auto",             # auto, json, text[; charset=X], document
    "allowGetBody": False,                # send a body with GET / HEAD / OPTIONS
    "resultVariable": None,
    "resultExpression": None,
    "errorExpression": None,
    "failOnStatus": True,
    "ignoreStatus": None,
    "retries": 0,
    "retryBackoff": None,                 # None = exponential: 1 s, x2, jitter 0.1, capped
    "retryOn": None,
    "retryMaxDelay": 30,
    "retryNonIdempotent": False,
    "contextHeaders": False,
}

#: fields given as plain names, never evaluated
PLAIN = frozenset({"kind", "resultVariable"})
#: fields evaluated after the response arrives
AFTER = frozenset({"resultExpression", "errorExpression"})
KINDS = ("rest", "token")


_BRACES = re.compile(r"\{\{(\s*secrets\.[A-Za-z_][A-Za-z0-9_.\-/]*\s*)\}\}")


def secret_braces(text: str) -> str:
    """Camunda's `{{secrets.NAME}}` read as `<<secrets.NAME>>` (same length: positions hold)."""
    return _BRACES.sub(r"<<\1>>", text) if "{{" in text else text


def camunda_forms(text: str) -> str:
    """Expression text as Camunda users write it: a leading `=` (Camunda's FEEL marker) becomes a
    space and `{{secrets.NAME}}` becomes `<<secrets.NAME>>`; every offset stays where it was."""
    stripped = text.lstrip()
    if stripped.startswith("="):
        at = len(text) - len(stripped)
        text = text[:at] + " " + text[at + 1:]
    return secret_braces(text)


def _braces_deep(value: Any) -> Any:
    if isinstance(value, str):
        return secret_braces(value)
    if isinstance(value, Mapping):
        return {_braces_deep(k): _braces_deep(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_braces_deep(v) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class Literal:
    """A field value to use as is (never compiled), e.g. `Literal("GET")`."""

    value: Any


class Field:
    """One compiled field: a constant, a constant holding secret placeholders, or an expression."""

    __slots__ = ("name", "constant", "expression", "has_secrets", "source")

    def __init__(self, name: str, value: Any, compile_text):
        self.name = name
        self.expression = None
        self.constant = None
        self.has_secrets = False
        self.source = None
        if isinstance(value, Literal):
            value = value.value
        elif isinstance(value, str) and name not in PLAIN:
            value = camunda_forms(value)
            self.source = value
            self.expression = _compile(name, value, compile_text)
            if name not in AFTER:
                self._fold_constant()
            return
        elif hasattr(value, "evaluate") and not isinstance(value, (Mapping, list, tuple)):
            self.expression = value
            self.source = getattr(value, "source", None)
            return
        if isinstance(value, (str, Mapping, list, tuple)):
            value = _braces_deep(value)
        self.constant = value
        self.has_secrets = _holds_placeholder(value)

    def _fold_constant(self) -> None:
        """An expression that reads no variable, no secret and calls no function (so not
        `now()`) has one value: compute it now, so the parts built from it are built once."""
        expr = self.expression
        if getattr(expr, "names", None) or getattr(expr, "secret_names", None) \
                or not hasattr(expr, "names") or "(" in (self.source or "("):
            return
        try:
            result = expr.evaluate_with_warnings({})
        except FeelishError:
            return  # reported per call, with the field's name
        if not result.warnings:
            self.expression, self.constant = None, result.value

    @property
    def is_static(self) -> bool:
        return self.expression is None and not self.has_secrets

    def value(self, scope: dict[str, Any], secrets) -> Any:
        """Evaluate for one call. Raises ConnectorError(INPUT_ERROR) naming the field."""
        if self.expression is not None:
            try:
                sink = getattr(secrets, "warnings", None)
                if sink is None or not hasattr(self.expression, "evaluate_with_warnings"):
                    return self.expression.evaluate(scope, secrets=secrets)
                result = self.expression.evaluate_with_warnings(scope, secrets=secrets)
                for w in result.warnings:
                    sink.append(Warning(w.kind, f"field {self.name}: {w.message}", w.span))
                return result.value
            except FeelishError as exc:
                raise ConnectorError("INPUT_ERROR", f"field {self.name!r}: {_first_line(exc)}",
                                     field=self.name) from None
        if self.has_secrets:
            return substitute_secrets(self.constant, secrets, self.name)
        return self.constant


def _first_line(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0] if not isinstance(exc, SourceError) else str(exc)


def _compile(name: str, text: str, compile_text):
    if compile_text is None:
        raise ConnectorError("INPUT_ERROR", f"field {name!r} is expression text, but the expression "
                             "compiler is not available; pass Literal(...) for a plain value",
                             field=name)
    try:
        return compile_text(text, origin=f"field {name}")
    except SourceError as exc:
        if exc.origin is None:
            exc.origin = f"field {name}"
        raise


def _holds_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return PLACEHOLDER.search(value) is not None
    if isinstance(value, Mapping):
        return any(_holds_placeholder(k) or _holds_placeholder(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_placeholder(v) for v in value)
    return False


def substitute_secrets(value: Any, secrets, field: str) -> Any:
    """Resolve `<<secrets.NAME>>` placeholders inside literal strings, deeply."""
    if isinstance(value, str):
        parts = split_placeholders(value)
        if len(parts) == 1 and isinstance(parts[0], str):
            return value
        out = []
        for part in parts:
            if isinstance(part, tuple):
                secret = secrets.get(part[0])
                if secret is None:
                    raise ConnectorError("INPUT_ERROR", f"field {field!r}: secret {part[0]!r} is not "
                                         "available", field=field)
                out.append(secret)
            else:
                out.append(part)
        return spliced("".join(out))
    if isinstance(value, Mapping):
        return {substitute_secrets(k, secrets, field): substitute_secrets(v, secrets, field)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [substitute_secrets(v, secrets, field) for v in value]
    return value


_NAME = re.compile(r"[^\s\"'=]+")


def plain_name(value: Any, field: str) -> str:
    """`kind` and `resultVariable` take the forms every other field takes: `Literal("x")`, the
    string expression `'"x"'` (also `'="x"'`), or the plain name `'x'`; never a key with quotes."""
    text = value.value if isinstance(value, Literal) else value
    if isinstance(text, str):
        text = text.strip()
        if not isinstance(value, Literal):
            text = camunda_forms(text).strip()
        if len(text) >= 2 and text[0] == text[-1] == '"' and not isinstance(value, Literal):
            try:
                text = json.loads(text)
            except ValueError:
                text = None
        if isinstance(text, str) and _NAME.fullmatch(text):
            return text
    raise ConnectorError("INPUT_ERROR", f"field {field!r} must be a name such as \"result\", not "
                         f"{value!r}", field=field)


def compile_fields(mapping: Mapping[str, Any], compile_text) -> dict[str, Field]:
    """Check names and compile every given field once."""
    unknown = sorted(set(mapping) - set(DEFAULTS))
    if unknown:
        hints = [f"{name} (did you mean {close[0]}?)" if (close := difflib.get_close_matches(
            name, DEFAULTS, n=1)) else name for name in unknown]
        raise ConnectorError("INPUT_ERROR", f"unknown connector field(s): {', '.join(hints)}; "
                             f"known fields: {', '.join(DEFAULTS)}", field=unknown[0])
    if mapping.get("url") is None and mapping.get("kind", "rest") == "rest":
        raise ConnectorError("INPUT_ERROR", "field 'url' is required", field="url")
    mapping = dict(mapping)
    for name in PLAIN:
        if mapping.get(name) is not None:
            mapping[name] = plain_name(mapping[name], name)
    kind = mapping.get("kind", "rest")
    if kind not in KINDS:
        raise ConnectorError("INPUT_ERROR", f"field 'kind' must be one of {', '.join(KINDS)}, "
                             f"not {kind!r}", field="kind")
    return {name: Field(name, value, compile_text) for name, value in mapping.items()
            if value is not None or name in ("body",)}
