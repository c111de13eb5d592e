"""The template model: what a parsed template holds (pure data, positions kept)."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import Span

#: input types a template may declare; `list<T>` adds an element type
INPUT_TYPES = ("string", "number", "boolean", "context", "list", "any", "date", "time",
               "dateTime", "duration")


@dataclass(frozen=True, slots=True)
class TemplateExpr:
    """One expression in a template: its exact text and where that text starts in the file."""

    text: str
    span: Span  # of `text` inside the template source

    @property
    def offset(self) -> int:
        return self.span.start


@dataclass(frozen=True, slots=True)
class InputType:
    name: str
    element: "InputType | None" = None

    def __str__(self) -> str:
        return f"{self.name}<{self.element}>" if self.element else self.name

    def accepts(self, value: Any) -> bool:
        """Whether a host value (JSON-shaped or FEEL) fits this type; null fits every type."""
        if value is None or self.name == "any":
            return True
        name = self.name
        if name == "string":
            return isinstance(value, str)
        if name == "number":
            return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
        if name == "boolean":
            return isinstance(value, bool)
        if name == "context":
            return isinstance(value, dict)
        if name == "list":
            if not isinstance(value, (list, tuple)):
                return False
            return self.element is None or all(self.element.accepts(v) for v in value)
        if name == "date":
            return type(value) is _dt.date or isinstance(value, str)
        if name == "time":
            return isinstance(value, (_dt.time, str))
        if name == "dateTime":
            return isinstance(value, (_dt.datetime, str))
        if name == "duration":
            return isinstance(value, (_dt.timedelta, str)) or type(value).__name__ == "YearsMonthsDuration"
        return True


@dataclass(frozen=True, slots=True)
class InputDecl:
    name: str
    type: InputType
    required: bool
    secret: bool
    doc: str | None
    default: TemplateExpr | None
    span: Span  # the whole declaration
    name_span: Span
    type_span: Span


@dataclass(frozen=True, slots=True)
class FieldDecl:
    key: str
    value: TemplateExpr
    key_span: Span


@dataclass(slots=True)
class Template:
    """A parsed connector template.

    `inputs` and `fields` keep the file's order.  `doc` is the comment block that heads the file.
    """

    name: str
    title: str | None
    doc: str
    inputs: dict[str, InputDecl]
    fields: dict[str, FieldDecl]
    source: str
    origin: str | None = None
    builtin: bool = False

    def summary(self) -> str:
        """One line per input, for `feelish show` and the REPL."""
        lines = [f"{self.name}: {self.title or ''}".rstrip(": ")]
        for decl in self.inputs.values():
            flags = "required" if decl.required else "optional"
            if decl.secret:
                flags += ", secret"
            default = f" = {decl.default.text.strip()}" if decl.default else ""
            doc = f"  -- {decl.doc}" if decl.doc else ""
            lines.append(f"  {decl.name}: {decl.type} ({flags}){default}{doc}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Template(name={self.name!r}, inputs={list(self.inputs)!r}, fields={list(self.fields)!r})"
