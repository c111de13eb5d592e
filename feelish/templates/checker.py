"""Static checks of a parsed template (syntax, unknown or missing fields, undeclared names, literal
type mismatches); every problem carries its position in the template file."""
from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterator

from ..errors import FeelSyntaxError, SourceError, Span, TemplateError
from ..language import ast
from ..language.builtins import names as builtin_names
from ..language.parser import parse
from . import fields as F
from .model import InputType, Template, TemplateExpr

#: functions the connector runtime offers to result and error expressions
CONNECTOR_FUNCTIONS = frozenset({
    "bpmn error", "bpmnError", "job error", "jobError", "ignore error", "ignoreError", "backoff",
})


def parse_expression(expr: TemplateExpr, template: Template) -> ast.Node:
    """Parse one template expression; a syntax error is re-raised as a TemplateError at its place
    in the template file."""
    try:
        return parse(expr.text)
    except FeelSyntaxError as exc:
        raise _shifted(exc, expr, template) from None
    except SourceError as exc:  # LimitExceeded and friends
        raise _shifted(exc, expr, template) from None


def _shifted(exc: SourceError, expr: TemplateExpr, template: Template) -> TemplateError:
    span = exc.span or Span(0, len(expr.text))
    start = expr.offset + span.start
    return TemplateError(exc.message, source=template.source, span=Span(start, expr.offset + span.end),
                         origin=template.origin, hint=exc.hint)


def _problem(template: Template, message: str, span: Span, hint: str | None = None) -> TemplateError:
    return TemplateError(message, source=template.source, span=span, origin=template.origin, hint=hint)


def _builtin_names() -> frozenset[str]:
    return frozenset(" ".join(n.split()) for n in builtin_names())


def check(template: Template) -> list[TemplateError]:
    """Every problem in `template`, in file order (an empty list means the template is fine)."""
    problems: list[TemplateError] = []
    builtins = _builtin_names()
    visible: set[str] = {"context"}  # the engine context, always there (may be empty)
    # inputs: defaults see the inputs declared before them
    for decl in template.inputs.values():
        if decl.default is not None:
            before = len(problems)
            node = _parse(decl.default, template, problems)
            if node is None and decl.default.text.rstrip().endswith('"') and not problems[before].hint:
                problems[before].hint = (f'the description goes before the default: '
                                         f'input {decl.name}: {decl.type} "..." = ...')
            if node is not None:
                problems += _names(node, decl.default, template, frozenset(visible), builtins)
                kind = _literal_kind(node)
                if kind and kind != "null" and not _kind_fits(kind, decl.type):
                    problems.append(_problem(
                        template, f"default of input {decl.name!r} is a {kind}, but the input is a {decl.type}",
                        _at(decl.default, node)))
        visible.add(decl.name)
    paged = set(F.PAGED_NAMES) if any(k.startswith("pagination.") for k in template.fields) else set()
    for key, fdecl in template.fields.items():
        spec = F.spec(key)
        if spec is None:
            close = difflib.get_close_matches(key, F.FIELDS, n=1, cutoff=0.6)
            problems.append(_problem(template, f"unknown field {key!r}", fdecl.key_span,
                                     hint=f"did you mean {close[0]!r}?" if close else
                                     "see docs/templates.md for the fields a template may set"))
        node = _parse(fdecl.value, template, problems)
        if node is None:
            continue
        if key in F.PLAIN:  # a name, not an expression: checked below
            continue
        scope = frozenset(visible | set(F.AFTER_CALL_NAMES.get(key, ()))
                          | (paged if key in ("resultExpression", "errorExpression") else set()))
        extra = CONNECTOR_FUNCTIONS if key in F.AFTER_CALL_NAMES and builtins else frozenset()
        problems += _names(node, fdecl.value, template, scope, builtins | extra)
        if spec is not None:
            problems += _field_type(template, key, spec, node, fdecl.value)
        if key.split(".", 1)[0] in _WIRE_FIELDS:
            problems += _unsendable_numbers(template, node, fdecl.value)
    kind_node = _parse_quiet(template.fields["kind"].value, template) if "kind" in template.fields else None
    token_kind = isinstance(kind_node, ast.StringLit) and kind_node.value == "token" \
        or isinstance(kind_node, ast.Name) and kind_node.name == "token"
    for key in F.REQUIRED_FIELDS:
        if key not in template.fields and not (token_kind and key == "url"):
            problems.append(_problem(template, f"missing required field {key!r}", _head_span(template),
                                     hint=f"add a line `{key}: ...`"))
    for head in F.GROUPS:
        dotted = [d for k, d in template.fields.items() if k.startswith(head + ".")]
        if head in template.fields and dotted:
            problems.append(_problem(template, f"set either {head!r} or {head}.* fields, not both",
                                     dotted[0].key_span))
    for key in F.PLAIN:
        if key in template.fields:
            expr = template.fields[key].value
            node = _parse_quiet(expr, template)
            if node is not None and not (isinstance(node, ast.StringLit) and node.value.strip()
                                         or isinstance(node, ast.Name)):
                problems.append(_problem(template, f"{key} must be a name",
                                         _at(expr, node), hint=f'for example: {key}: "name" or {key}: name'))
    problems.sort(key=lambda p: p.span.start if p.span else 0)
    return problems


#: fields whose values go on the wire as JSON or text
_WIRE_FIELDS = frozenset({"url", "queryParameters", "headers", "cookies", "body"})
#: digits a number literal may have there (the connector refuses more: INPUT_ERROR)
_WIRE_DIGITS = 4000


def _nodes(node: ast.Node) -> Iterator[ast.Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        for f in dataclasses.fields(n):
            v = getattr(n, f.name)
            if isinstance(v, ast.Node):
                stack.append(v)
            elif isinstance(v, (list, tuple)):
                stack.extend(x for x in v if isinstance(x, ast.Node))
                stack.extend(y for x in v if isinstance(x, tuple) for y in x if isinstance(y, ast.Node))


def _unsendable_numbers(template: Template, node: ast.Node, expr: TemplateExpr) -> list[TemplateError]:
    """Number literals that a request could never carry (a run would end with INPUT_ERROR)."""
    return [_problem(template, f"the number {n.value} has more than {_WIRE_DIGITS} digits: it cannot "
                     "be sent as JSON or text", _at(expr, n))
            for n in _nodes(node) if isinstance(n, ast.NumberLit) and n.value.is_finite()
            and abs(n.value.adjusted()) >= _WIRE_DIGITS]


def _head_span(template: Template) -> Span:
    text = template.source
    start = 0
    for line in text.split("\n"):  # the first line that is not a comment
        if line.strip() and not line.lstrip().startswith("#"):
            break
        start += len(line) + 1
    start = min(start, len(text))
    end = text.find("\n", start)
    return Span(start, end if end > start else start + 1)


def _parse(expr: TemplateExpr, template: Template, problems: list[TemplateError]) -> ast.Node | None:
    try:
        return parse_expression(expr, template)
    except TemplateError as exc:
        problems.append(exc)
        return None


def _parse_quiet(expr: TemplateExpr, template: Template) -> ast.Node | None:
    try:
        return parse_expression(expr, template)
    except TemplateError:
        return None


def _at(expr: TemplateExpr, node: ast.Node) -> Span:
    return Span(expr.offset + node.span.start, expr.offset + node.span.end)


# ----------------------------------------------------------------------------- names


def free_names(node: ast.Node, bound: frozenset[str] = frozenset()) -> Iterator[tuple[ast.Name, bool]]:
    """Yield `(Name node, called)` for each name that `node` reads from outside itself.

    Names inside a filter condition may be entries of the filtered items, so they are not yielded
    unless they also occur elsewhere.
    """
    if isinstance(node, ast.Name):
        if node.name not in bound:
            yield node, False
        return
    if isinstance(node, ast.Call):
        if isinstance(node.callee, ast.Name):
            if node.callee.name not in bound:
                yield node.callee, True
        else:
            yield from free_names(node.callee, bound)
        for arg in node.args:
            yield from free_names(arg, bound)
        for named in node.named or ():
            yield from free_names(named.value, bound)
        return
    if isinstance(node, ast.Path):
        yield from free_names(node.base, bound)
        return
    if isinstance(node, ast.Filter):
        yield from free_names(node.base, bound)
        return  # the condition sees `item` and the item's entries: unknowable statically
    if isinstance(node, ast.ContextLit):
        scope = set(bound)
        for entry in node.entries:
            yield from free_names(entry.value, frozenset(scope))
            scope.add(entry.key)
        return
    if isinstance(node, (ast.For, ast.Quantified)):
        scope = set(bound)
        for it in node.iterators:
            yield from free_names(it.domain, frozenset(scope))
            scope.add(it.name)
        body = node.body if isinstance(node, ast.For) else node.condition
        inner = scope | ({"partial"} if isinstance(node, ast.For) else set())
        yield from free_names(body, frozenset(inner))
        return
    if isinstance(node, ast.FunctionDef):
        yield from free_names(node.body, bound | frozenset(node.params))
        return
    if isinstance(node, ast.TypeRef):
        return
    for f in dataclasses.fields(node):
        if f.name == "span":
            continue
        value = getattr(node, f.name)
        if isinstance(value, ast.Node):
            yield from free_names(value, bound)
        elif isinstance(value, tuple):
            for v in value:
                if isinstance(v, ast.Node):
                    yield from free_names(v, bound)


def _names(node: ast.Node, expr: TemplateExpr, template: Template, scope: frozenset[str],
           builtins: frozenset[str]) -> list[TemplateError]:
    out = []
    declared = set(template.inputs)
    for name_node, called in free_names(node):
        name = name_node.name
        if name in scope:
            continue
        if called:
            if not builtins or name in builtins:
                continue
            close = difflib.get_close_matches(name, builtins, n=1)
            out.append(_problem(template, f"unknown function {name!r}", _at(expr, name_node),
                                hint=f"did you mean {close[0]!r}?" if close else None))
            continue
        if name in declared:
            message = f"input {name!r} is used before it is declared"
            hint = "an input's default sees only the inputs declared above it"
        else:
            message = f"{name!r} is not a declared input"
            close = difflib.get_close_matches(name, sorted(scope), n=1)
            hint = (f"did you mean {close[0]!r}?" if close else
                    f"declare it: `input {name}: any`; a template sees only the inputs it declares")
        out.append(_problem(template, message, _at(expr, name_node), hint=hint))
    return out


# ----------------------------------------------------------------------------- types


def _literal_kind(node: ast.Node) -> str | None:
    if isinstance(node, (ast.StringLit, ast.SecretString, ast.SecretRef)):
        return "string"
    if isinstance(node, ast.NumberLit):
        return "number"
    if isinstance(node, ast.BoolLit):
        return "boolean"
    if isinstance(node, ast.ContextLit):
        return "context"
    if isinstance(node, ast.ListLit):
        return "list"
    if isinstance(node, ast.NullLit):
        return "null"
    if isinstance(node, ast.Negate) and isinstance(node.operand, ast.NumberLit):
        return "number"
    return None


def _kind_fits(kind: str, wanted: InputType | str) -> bool:
    name = wanted.name if isinstance(wanted, InputType) else wanted
    if name == "any" or kind == "null":
        return True
    if name in ("date", "time", "dateTime", "duration"):
        return kind == "string"
    return kind == name


def _field_type(template: Template, key: str, spec: F.FieldSpec, node: ast.Node,
                expr: TemplateExpr) -> list[TemplateError]:
    if spec.after_call or key in F.PLAIN:  # plain names are checked on their own
        return []
    kind = _literal_kind(node)
    span = _at(expr, node)
    if kind is not None:
        if not _kind_fits(kind, spec.kind):
            return [_problem(template, f"field {key!r} takes a {spec.kind}, not a {kind}", span)]
        if spec.choices and isinstance(node, ast.StringLit):
            folded = {c.lower() for c in spec.choices} if key == "method" else set(spec.choices)
            value = node.value.lower() if key == "method" else node.value
            if value not in folded:
                return [_problem(template, f"{node.value!r} is not a valid {key}", span,
                                 hint="one of: " + ", ".join(spec.choices))]
        return []
    if isinstance(node, ast.Name) and node.name in template.inputs:
        declared = template.inputs[node.name].type
        if declared.name != "any" and spec.kind != "any" and not _kind_fits(declared.name, spec.kind):
            return [_problem(template, f"field {key!r} takes a {spec.kind}, but input {node.name!r} "
                             f"is a {declared}", span)]
    return []
