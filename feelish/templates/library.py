"""Loading templates: from a file, from text, or a built-in connector by name (`load("get")` finds
`connectors/get.feelish`)."""
from __future__ import annotations

import os
from pathlib import Path

from ..resources import data_dir
from ..errors import TemplateError
from .checker import check
from .model import Template
from .parser import parse_template

EXTENSION = ".feelish"


def builtin_dir() -> Path:
    return data_dir("connectors")


def builtin_names() -> list[str]:
    """Names of the built-in connectors, sorted."""
    return sorted(p.stem for p in builtin_dir().glob(f"*{EXTENSION}"))


def builtin_path(name: str) -> Path:
    path = builtin_dir() / f"{name}{EXTENSION}"
    if not path.is_file():
        raise TemplateError(f"no built-in connector named {name!r}",
                            hint="built-in connectors: " + ", ".join(builtin_names()))
    return path


def _looks_like_path(ref: str) -> bool:
    return ref.endswith(EXTENSION) or os.sep in ref or "/" in ref or Path(ref).is_file()


def resolve(ref: str | os.PathLike[str]) -> Path:
    """A file path, or the path of the built-in connector named `ref`."""
    text = os.fspath(ref)
    if _looks_like_path(text):
        path = Path(text)
        if not path.is_file():
            raise TemplateError(f"template file {text!r} does not exist")
        return path
    return builtin_path(text)


def parse_file(ref: str | os.PathLike[str]) -> Template:
    """Parse a template file (or built-in) without checking it."""
    path = resolve(ref)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read template {str(path)!r}: {exc}") from None
    builtin = path.parent == builtin_dir()
    origin = f"<builtin>/{path.name}" if builtin else str(path)
    template = parse_template(text, origin, name=path.stem)
    template.builtin = builtin
    return template


def checked(template: Template) -> Template:
    """Raise one TemplateError listing every problem (the first one's position in front)."""
    problems = check(template)
    if problems:
        first = problems[0]
        extra = len(problems) - 1
        more = f" (and {extra} more problem{'s' if extra > 1 else ''})" if extra else ""
        raise TemplateError(first.message + more, source=first.source, span=first.span,
                            origin=first.origin, hint=first.hint, problems=tuple(problems))
    return template


def load(ref: str | os.PathLike[str]) -> Template:
    """Parse and check a template file or a built-in connector; raises TemplateError."""
    return checked(parse_file(ref))


def loads(text: str, origin: str | None = None, *, name: str | None = None) -> Template:
    """Parse and check template text."""
    return checked(parse_template(text, origin, name=name))
