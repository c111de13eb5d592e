"""Template text -> `Template`, with positioned `TemplateError`s: the layout is parsed by
`grammar/template.lark`; the expressions inside are only cut out, with their offsets."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..resources import grammar_text
from ..connector.fields import camunda_forms
from ..errors import Span, TemplateError
from .model import INPUT_TYPES, FieldDecl, InputDecl, InputType, Template, TemplateExpr

_TERMINAL_WORDS = {
    "NAME": "a name", "KEY": "a field name", "STRING": "a quoted string", "EXPR": "an expression",
    "COLON": "':'", "EQUAL": "'='", "LESSTHAN": "'<'", "MORETHAN": "'>'", "_NL": "a new line",
    "REQUIRED": "'required'", "OPTIONAL": "'optional'", "SECRET": "'secret'",
    "CONNECTOR": "'connector'", "INPUT": "'input'", "$END": "the end of the file",
    "CONNECTOR_NAME": "a connector name",
}
_NOISE = {"a new line", "the end of the file"}


@cache
def _lark() -> Lark:
    return Lark(grammar_text("template.lark"), parser="lalr", lexer="contextual",
                propagate_positions=True, maybe_placeholders=False)


def parse_template(text: str, origin: str | None = None, *, name: str | None = None) -> Template:
    """Parse template text.  Raises `TemplateError` (with file:line:column and a caret) on bad layout.

    Expressions are not parsed here; `check()` does that and reports every problem at once.
    """
    source = text.replace("\r\n", "\n").replace("\r", "\n")
    if source.startswith("\ufeff"):
        source = source[1:]
    default_name = name or (Path(origin).stem if origin else "template")
    problems: list[TemplateError] = []
    attempt = source
    for _ in range(MAX_PROBLEMS):  # after an error, the item's lines become a comment: go on
        try:
            template = _build(_lark().parse(attempt), attempt, origin, default_name)
        except UnexpectedInput as exc:
            error = _syntax_error(exc, attempt, origin)
        except TemplateError as exc:
            error = exc
        else:
            if not problems:
                return template
            break
        problems.append(TemplateError(error.message, source=source, span=error.span, origin=origin,
                                      hint=error.hint))
        blanked = _blank_item(attempt, error.span.start if error.span else len(attempt))
        if blanked == attempt:
            break
        attempt = blanked
    problems.sort(key=lambda p: p.span.start if p.span else 0)
    first = problems[0]
    first.problems = tuple(problems)
    raise first


#: template syntax errors reported at once, at most
MAX_PROBLEMS = 50


def _blank_item(source: str, pos: int) -> str:
    """`source` with the line at `pos` and its indented continuation lines turned into comment
    lines of the same length (so every position stays); unchanged if there is nothing to blank."""
    if pos >= len(source):
        return source
    start = source.rfind("\n", 0, pos) + 1
    end = source.find("\n", pos)
    end = len(source) if end < 0 else end
    while end < len(source) and source[end + 1:end + 2] in (" ", "\t"):
        following = source.find("\n", end + 1)
        end = len(source) if following < 0 else following
    lines = source[start:end].split("\n")
    if not any(line.strip() and not line.startswith("#") for line in lines):
        return source
    blank = "\n".join(("#" + " " * (len(line) - 1)) if line else line for line in lines)
    return source[:start] + blank + source[end:]


def _syntax_error(exc: UnexpectedInput, source: str, origin: str | None) -> TemplateError:
    pos = getattr(exc, "pos_in_stream", None)
    if pos is None:
        pos = len(source)
    width = 1
    if isinstance(exc, UnexpectedCharacters):
        char = source[pos:pos + 1]
        shown = "a tab" if char == "\t" else repr(char)
        message = f"unexpected character {shown}"
        expected = exc.allowed
    elif isinstance(exc, UnexpectedToken):
        token = exc.token
        width = len(str(token).split("\n", 1)[0]) if token.type not in ("$END", "_NL") else 1
        if token.type == "$END":
            message = "unexpected end of file"
            pos = len(source)
        elif token.type == "_NL":
            message = "unexpected end of line"
        else:
            message = f"unexpected {str(token).strip()!r}"
        expected = exc.expected
    elif isinstance(exc, UnexpectedEOF):
        message, expected, pos = "unexpected end of file", exc.expected, len(source)
    else:  # pragma: no cover - lark has no other kinds
        message, expected = str(exc), set()
    words = sorted({_TERMINAL_WORDS.get(t, t.strip('"').lower()) for t in expected or ()})
    if set(words) - _NOISE:
        words = [w for w in words if w not in _NOISE]
    hint = None
    if "an expression" in words:
        hint = "a field needs a value on the same line or on indented lines below it"
    elif words:
        hint = "expected " + ", ".join(words)
    end = pos + max(1, width) if pos < len(source) and source[pos] != "\n" else pos
    return TemplateError(f"template syntax error: {message}", source=source,
                         span=Span(pos, max(end, pos)), origin=origin, hint=hint)


def _span(token: Token) -> Span:
    return Span(token.start_pos, token.end_pos)


def _tree_span(tree: Tree) -> Span:
    return Span(tree.meta.start_pos, tree.meta.end_pos)


def _unquote(token: Token) -> str:
    raw = str(token)[1:-1]
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            out.append(escapes.get(raw[i + 1], raw[i + 1]))
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def _type(tree: Tree) -> InputType:
    name = str(tree.children[0])
    element = _type(tree.children[1]) if len(tree.children) > 1 else None
    return InputType(name, element)


def _error(message: str, source: str, span: Span, origin: str | None, hint: str | None = None):
    return TemplateError(message, source=source, span=span, origin=origin, hint=hint)


def _build(tree: Tree, source: str, origin: str | None, default_name: str) -> Template:
    name, title = default_name, None
    inputs: dict[str, InputDecl] = {}
    fields: dict[str, FieldDecl] = {}
    seen_connector = False
    for item in tree.children:
        if item.data == "connector":
            if seen_connector:
                raise _error("a template has one `connector` line", source, _tree_span(item), origin)
            seen_connector = True
            name = str(item.children[0])
            if len(item.children) > 1:
                title = _unquote(item.children[1])
        elif item.data == "input":
            decl = _input(item, source, origin)
            if decl.name in inputs:
                raise _error(f"input {decl.name!r} is declared twice", source, decl.name_span, origin)
            inputs[decl.name] = decl
        else:  # field
            key_token, expr_token = item.children
            key = str(key_token)
            if key in fields:
                raise _error(f"field {key!r} is set twice", source, _span(key_token), origin)
            fields[key] = FieldDecl(key, TemplateExpr(camunda_forms(str(expr_token)), _span(expr_token)),
                                    _span(key_token))
    return Template(name=name, title=title, doc=_leading_comments(source), inputs=inputs,
                    fields=fields, source=source, origin=origin)


def _input(item: Tree, source: str, origin: str | None) -> InputDecl:
    name_token, type_tree, *rest = item.children
    itype = _type(type_tree)
    for t in (itype, itype.element):
        if t is not None and t.name not in INPUT_TYPES:
            raise _error(f"unknown input type {t.name!r}", source, _tree_span(type_tree), origin,
                         hint="types: " + ", ".join(INPUT_TYPES) + " (and list<T>)")
    if itype.element is not None and itype.name != "list":
        raise _error(f"only list takes an element type, not {itype.name!r}", source,
                     _tree_span(type_tree), origin)
    required = optional = secret = False
    doc, default = None, None
    for child in rest:
        if isinstance(child, Tree) and child.data == "flag":
            flag = child.children[0]
            if flag.type == "REQUIRED":
                required = True
            elif flag.type == "OPTIONAL":
                optional = True
            else:
                secret = True
        elif isinstance(child, Tree) and child.data == "default":
            token = child.children[0]
            default = TemplateExpr(camunda_forms(str(token)), _span(token))
        elif isinstance(child, Token) and child.type == "STRING":
            doc = _unquote(child)
    if required and optional:
        raise _error(f"input {str(name_token)!r} cannot be both required and optional", source,
                     _tree_span(item), origin)
    if required and default is not None:
        raise _error(f"required input {str(name_token)!r} cannot have a default", source,
                     default.span, origin, hint="drop `required`, or drop the default")
    return InputDecl(name=str(name_token), type=itype, required=required, secret=secret, doc=doc,
                     default=default, span=_tree_span(item), name_span=_span(name_token),
                     type_span=_tree_span(type_tree))


def _leading_comments(source: str) -> str:
    lines = []
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped.startswith("#"):
            lines.append(stripped[1:][1:] if stripped[1:2] == " " else stripped[1:])
        elif stripped:
            break
        elif lines:
            lines.append("")
    return "\n".join(lines).strip("\n")
