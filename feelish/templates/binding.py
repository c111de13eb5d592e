"""From a checked template to what the runtime takes: the field mapping (`to_mapping`) and the input
scope (`bind_inputs`: exactly the declared inputs, defaults filled in, types checked; an input
declared `secret` is tainted, so whatever is computed from it is masked wherever it is shown).
`bind_secret_args` binds inputs (or entries of context inputs) to named secrets, so no secret value
is ever typed."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import FeelishError, SecretError, Span, TemplateError
from ..language import ast, evaluate
from ..secrets import as_provider
from ..taint import spliced, taint
from . import fields as F
from .checker import parse_expression
from .model import InputDecl, Template


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a context"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


def to_mapping(template: Template) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    groups: dict[str, list[tuple[str, str]]] = {}
    for key, decl in template.fields.items():
        key = F.ALIASES.get(key, key)
        text = decl.value.text
        head, dot, rest = key.partition(".")
        if dot and head in F.EXPRESSION_GROUPS:
            mapping.setdefault(head, {})[rest] = text.strip()
            continue
        if dot and head in F.GROUPS:
            groups.setdefault(head, []).append((rest, text))
            continue
        if key in F.PLAIN:
            node = parse_expression(decl.value, template)
            if not isinstance(node, (ast.StringLit, ast.Name)):
                raise TemplateError(f"field {key!r} must be a name: \"result\" or result",
                                    source=template.source, span=decl.value.span, origin=template.origin)
            mapping[key] = node.value if isinstance(node, ast.StringLit) else node.name
            continue
        mapping[key] = text.strip()
    for head, entries in groups.items():
        if head in mapping:
            first = next(d for k, d in template.fields.items() if k.startswith(head + "."))
            raise TemplateError(f"set either {head!r} or {head}.* fields, not both",
                                source=template.source, span=first.key_span, origin=template.origin)
        # each value on its own lines, so a trailing `// comment` cannot swallow the punctuation
        body = ",\n".join(f'"{name}": (\n{text}\n)' for name, text in entries)
        mapping[head] = "{\n" + body + "\n}"
    return mapping


def _decl_error(template: Template, decl: InputDecl, message: str, hint: str | None = None) -> TemplateError:
    return TemplateError(message, source=template.source, span=decl.name_span, origin=template.origin,
                         hint=hint)


def _given_problem(template: Template, decl: InputDecl, given: Mapping[str, Any]) -> TemplateError | None:
    """What is wrong with the value given for one input (None: fine, or not given and optional)."""
    value = given.get(decl.name)
    if value is not None:
        if not decl.type.accepts(value):
            return _decl_error(template, decl, f"input {decl.name!r} must be a {decl.type}, "
                               f"not {_describe(value)}")
        return None
    if decl.required:
        return _decl_error(template, decl, f"missing required input {decl.name!r}",
                           hint=f"pass it with --var {decl.name}=JSON or in --vars"
                           + (f" ({decl.doc})" if decl.doc else ""))
    return None


def check_inputs(template: Template, variables: Mapping[str, Any] | None) -> list[TemplateError]:
    """Every missing required input and every mistyped value, at the inputs' declarations."""
    given = dict(variables or {})
    return [p for decl in template.inputs.values() if (p := _given_problem(template, decl, given))]


def bind_inputs(template: Template, variables: Mapping[str, Any] | None, *,
                secrets: Any = None) -> dict[str, Any]:
    """The declared inputs' values: given ones (type-checked), then defaults; unknown names dropped."""
    given = dict(variables or {})
    scope: dict[str, Any] = {}
    for name, decl in template.inputs.items():
        problem = _given_problem(template, decl, given)
        if problem is not None:
            raise problem
        if given.get(name) is not None:
            scope[name] = given[name]
        elif decl.default is None:
            scope[name] = None
        else:
            try:
                scope[name] = evaluate(decl.default.text, dict(scope), secrets=secrets)
            except FeelishError as exc:
                raise TemplateError(f"default of input {name!r} failed: {exc.message}",
                                    source=template.source, span=decl.default.span,
                                    origin=template.origin) from None
        if decl.secret:
            scope[name] = secret_input(scope[name])
    return scope


#: entries of a secret context input that name a mode, a place or an endpoint, not a credential
PUBLIC_ENTRIES = frozenset({"type", "location", "name", "url", "tokenEndpoint", "oauthTokenEndpoint",
                            "authorizationEndpoint", "grantType", "clientAuthentication", "scope",
                            "scopes", "audience", "redirectUri"})


def secret_input(value: Any) -> Any:
    """The value of a `secret` input, tainted: every string in it is a secret, except the entries
    of a context listed in `PUBLIC_ENTRIES` (`{type: "basic", password: ...}` keeps `type`)."""
    if isinstance(value, dict):
        return {k: (v if k in PUBLIC_ENTRIES and type(v) is str else secret_input(v))
                for k, v in value.items()}
    return taint(value)


def bind_secret_args(variables: Mapping[str, Any] | None, secret_args: Mapping[str, str] | None,
                     secrets: Any) -> dict[str, Any]:
    """`variables` with each `secret_args` entry bound to a named secret's value:
    `{"password": "API_PASSWORD"}` sets the input `password`, `{"auth.password": "API_PASSWORD"}`
    the entry `password` of the context input `auth` (created when missing).  The value never
    appears on a command line or in a vars file; a missing secret raises SecretError naming it."""
    out = dict(variables or {})
    if not secret_args:
        return out
    provider = as_provider(secrets)
    for target, secret_name in secret_args.items():
        value = provider.get(secret_name)
        if value is None:
            raise SecretError(f"secret {secret_name!r} is not available (bound to {target!r})",
                              name=secret_name)
        path = target.split(".")
        holder = out
        for key in path[:-1]:
            inner = holder.get(key)
            inner = dict(inner) if isinstance(inner, Mapping) else {}
            holder[key] = inner
            holder = inner
        holder[path[-1]] = spliced(str(value))
    return out


def unknown_variables(template: Template, variables: Mapping[str, Any] | None) -> list[str]:
    """Names given that the template does not declare (ignored; the CLI mentions them)."""
    return sorted(set(variables or {}) - set(template.inputs))


def secret_input_values(template: Template, scope: Mapping[str, Any]) -> list[str]:
    """Values of inputs declared `secret`, for redaction of everything the call echoes."""
    out = []
    for name, decl in template.inputs.items():
        value = scope.get(name)
        if decl.secret and isinstance(value, str) and value:
            out.append(value)
    return out


def input_span(template: Template, name: str) -> Span | None:
    decl = template.inputs.get(name)
    return decl.name_span if decl else None
