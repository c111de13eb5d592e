"""Warnings about a template that do not stop it from running, positioned like `check`'s errors: a
never-matching `error.code = 404`, a GET body that is not sent, variables it does not declare."""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from ..connector.lint import never_matches
from ..connector.request import DROPPED_BODY, NO_BODY
from ..errors import Span, TemplateError, Warning
from ..language import ast
from .checker import parse_expression
from .model import Template


def _quiet(template: Template, key: str) -> ast.Node | None:
    decl = template.fields.get(key)
    if decl is None:
        return None
    try:
        return parse_expression(decl.value, template)
    except TemplateError:
        return None


def _warning(template: Template, message: str, span: Span, hint: str | None = None) -> TemplateError:
    return TemplateError(message, source=template.source, span=span, origin=template.origin, hint=hint)


def check_warnings(template: Template) -> list[TemplateError]:
    """The template's warnings (each a positioned `TemplateError`, reported, never fatal)."""
    out = []
    tree = _quiet(template, "errorExpression")
    if tree is not None:
        offset = template.fields["errorExpression"].value.offset
        for message, span in never_matches(tree):
            out.append(_warning(template, message, Span(offset + span.start, offset + span.end)))
    method = _quiet(template, "method") if "method" in template.fields else ast.StringLit(Span(0, 0), "GET")
    allowed = _quiet(template, "allowGetBody")
    if "body" in template.fields and isinstance(method, ast.StringLit) \
            and method.value.upper() in NO_BODY and not (isinstance(allowed, ast.BoolLit) and allowed.value) \
            and not isinstance(_quiet(template, "body"), ast.NullLit) and _quiet(template, "kind") is None:
        out.append(_warning(template, DROPPED_BODY.format(method=method.value.upper()),
                            template.fields["body"].key_span))
    return out


def undeclared(template: Template, variables: Mapping[str, Any] | None) -> list[Warning]:
    """One warning per given variable the template does not declare, with a did-you-mean."""
    out = []
    for name in sorted(set(variables or {}) - set(template.inputs)):
        close = difflib.get_close_matches(name, list(template.inputs), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        out.append(Warning("undeclared-input", f"{template.name} does not declare an input {name!r}; "
                           f"it is ignored{hint}"))
    return out
