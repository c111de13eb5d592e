"""The importers' shared writer: a `Draft` (inputs, fields, documentation) -> template text, values
as literals and expressions as given; every draft is checked after writing, so an importer never
hands out a template `check` refuses."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ...errors import TemplateError
from ..library import loads

#: words that cannot be a name in an expression, and names a template reserves
RESERVED = frozenset("""and or in between if then else for return some every satisfies function
external true false null not instance of context response error""".split())

_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SHELL_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_PLACEHOLDER = re.compile(r"<<\s*secrets\.[A-Za-z0-9]+(?:[/._-][A-Za-z0-9]+)*\s*>>")


class ImportProblem(TemplateError):
    """The input of an importer is invalid or uses something that has no template equivalent;
    the message names the part (an operation, a request, a task, an option)."""


@dataclass(frozen=True, slots=True)
class Expr:
    """Expression text written as it is (a `literal` inside a value stays a literal)."""

    text: str


@dataclass(slots=True)
class DraftInput:
    name: str
    type: str = "any"
    required: bool = False
    secret: bool = False
    doc: str | None = None
    default: Any = None  # a value (written as a literal) or an Expr; None: no default


@dataclass(slots=True)
class Draft:
    """A template about to be written; `secrets` maps the placeholder names the template uses to
    the values the importer found (never written into the template)."""

    name: str
    title: str | None = None
    doc: list[str] = field(default_factory=list)
    inputs: list[DraftInput] = field(default_factory=list)
    fields: list[tuple[str, Any]] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def redact(self, text: str) -> str:
        """`text` with every secret value found so far shown as `***` (titles, documentation)."""
        for value in sorted(self.secrets.values(), key=len, reverse=True):
            if len(value) >= 3:
                text = text.replace(value, "***")
        return text

    def input_names(self) -> set[str]:
        return {i.name for i in self.inputs}

    def add_input(self, wanted: str, **kwargs) -> str:
        """Declare an input under a usable, unused name made from `wanted`; returns the name."""
        name = identifier(wanted, self.input_names())
        self.inputs.append(DraftInput(name, **kwargs))
        return name

    def secret(self, wanted: str, value: str | None, prefix: str = "") -> Expr:
        """A string `"PREFIX<<secrets.NAME>>"` for a credential; the value is kept aside."""
        shell = _SHELL_VARIABLE.fullmatch(value or "")
        if shell:  # `Bearer $API_TOKEN` as pasted: the variable names the secret, its value is unknown
            wanted, value = shell.group(1), ""
        spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", wanted)
        name = re.sub(r"[^A-Za-z0-9]+", "_", spaced).strip("_").upper() or "SECRET"
        base, n = name, 2
        while name in self.secrets and self.secrets[name] != value:
            name, n = f"{base}_{n}", n + 1
        self.secrets[name] = "" if value is None else str(value)
        return Expr(string_literal(prefix)[:-1] + f'<<secrets.{name}>>"')


@dataclass(frozen=True, slots=True)
class Imported:
    """One written template: its file name, text, the secrets it needs (with the values the
    source held, to be stored by the user, never printed) and notes about what was adapted."""

    filename: str
    text: str
    secrets: dict[str, str]
    notes: tuple[str, ...] = ()


def identifier(raw: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """`pet-id` -> `petId`, `X-Request-ID` -> `xRequestId`, `2fa` -> `p2fa`; reserved words and
    names in `taken` get a suffix."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", raw) if w]
    if not words:
        name = "value"
    else:
        first = words[0]
        first = first.lower() if first.isupper() else first[0].lower() + first[1:]
        name = first + "".join(w[0].upper() + (w[1:].lower() if w.isupper() else w[1:]) for w in words[1:])
    if name[0].isdigit():
        name = "p" + name
    if name in RESERVED:
        name += "Value"
    base, n = name, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    return name


def slug(raw: str) -> str:
    """A connector / file name: `Get pet by ID` -> `get-pet-by-id`."""
    words = re.split(r"[^A-Za-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", raw))
    text = "-".join(w.lower() for w in words if w)[:60].strip("-")
    return text if text and text[0].isalpha() else f"op-{text}" if text else "template"


def string_literal(text: str) -> str:
    """A string literal holding `text` exactly (a `<<secrets.` look-alike is not made a secret)."""
    if "<<" in text and _PLACEHOLDER.search(text):  # one "<" per piece: no placeholder forms
        return "(" + " + ".join(string_literal(p) for p in re.split(r"(?<=<)", text) if p) + ")"
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def replace_outside_strings(text: str, pattern: re.Pattern, replace) -> str:
    """Replace each match of `pattern` (starting with `{`) by `replace(match, in_string)`, knowing
    whether it sits inside a double-quoted string (backslash escapes honoured)."""
    out, i, in_string = [], 0, False
    while i < len(text):
        ch = text[i]
        if in_string and ch == "\\":
            out.append(text[i:i + 2])
            i += 2
            continue
        if ch == '"':
            in_string = not in_string
        match = pattern.match(text, i) if ch == "{" else None
        if match:
            out.append(replace(match, in_string))
            i = match.end()
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def key_text(key: str) -> str:
    return key if _SIMPLE_KEY.match(key) and key not in RESERVED else string_literal(key)


def literal(value: Any, indent: int = 0, width: int = 88) -> str:
    """A value as expression text; contexts and lists that do not fit `width` span several lines."""
    one = _flat(value)
    if len(one) + indent <= width or not isinstance(value, (dict, list, tuple)) or not value:
        return one
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [f"{pad}{key_text(str(k))}: {literal(v, indent + 2, width)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + literal(v, indent + 2, width) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def _flat(value: Any) -> str:
    if isinstance(value, Expr):
        return value.text
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else "null"
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key_text(str(k))}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    raise TypeError(f"no literal form for {type(value).__name__}")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _doc(text: str | None) -> str:
    if not text:
        return ""
    short = _one_line(text)
    short = short if len(short) <= 120 else short[:117] + "..."
    return " " + string_literal(short).replace("<<", "< <")


def render(draft: Draft) -> str:
    """The template text of `draft` (not checked: see `write`)."""
    lines = [("# " + _one_line(draft.redact(d))).rstrip() if d.strip() else "#" for d in draft.doc]
    if lines:
        lines.append("")
    title = f" {string_literal(_one_line(draft.redact(draft.title)))}" if draft.title else ""
    lines += [f"connector {draft.name}{title}", ""]
    for decl in draft.inputs:
        flags = (" required" if decl.required else "") + (" secret" if decl.secret else "")
        default = "" if decl.default is None or decl.required else f" = {_flat(decl.default)}"
        lines.append(f"input {decl.name}: {decl.type}{flags}{_doc(decl.doc)}{default}")
    if draft.inputs:
        lines.append("")
    for key, value in draft.fields:
        text = literal(value, 0, 86)
        if "\n" in text:
            lines.append(f"{key}:")
            lines += ["  " + line for line in text.split("\n")]
        else:
            lines.append(f"{key}: {text}")
    return "\n".join(lines) + "\n"


def write(draft: Draft, part: str) -> Imported:
    """Render and check a draft; a template that does not check is reported against `part`."""
    text = render(draft)
    for name, value in draft.secrets.items():  # the last guard: a credential is never written
        if len(value) >= 4 and value in text:
            raise ImportProblem(f"{part}: the credential stored as secret {name} also appears "
                                "elsewhere in the source; remove it there and import again")
    try:
        loads(text, f"{draft.name}.feelish", name=draft.name)
    except TemplateError as exc:  # an importer bug, or a source value the format cannot hold
        raise ImportProblem(f"{part}: the template written for it does not check: {exc.message}") from None
    return Imported(f"{draft.name}.feelish", text, dict(draft.secrets), tuple(draft.notes))
