"""Which connector a service task runs: `feelish/<name>` -> a user template or a built-in one."""
from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import feelish
from feelish.templates import connector_for

#: the operator prefix of the service tasks feelish serves (`spiffworkflow:serviceTaskOperator id`)
PREFIX = "feelish/"


def template_name(operator: str) -> str | None:
    """The template named by a service task operator id, None if the operator is not feelish's."""
    if not isinstance(operator, str) or not operator.startswith(PREFIX):
        return None
    name = operator[len(PREFIX):].strip()
    return name or None


class TemplateLibrary:
    """Templates by name (explicit ones first, then folders, then the built-ins), loaded once."""

    def __init__(self, templates: Mapping[str, Any] | None = None,
                 folders: Iterable[str | os.PathLike] = ()):
        self._given = dict(templates or {})
        self._folders = [Path(f) for f in folders]
        self._loaded: dict[str, tuple[feelish.Template, Any]] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        found = set(self._given) | set(feelish.builtin_connectors())
        for folder in self._folders:
            found.update(p.stem for p in folder.glob("*.feelish"))
        return sorted(found)

    def _source(self, name: str):
        if name in self._given:
            return self._given[name]
        for folder in self._folders:
            path = folder / f"{name}.feelish"
            if path.is_file():
                return path
        if name in feelish.builtin_connectors():
            return name
        raise feelish.TemplateError(f"no connector template named {name!r}",
                                    hint="known: " + ", ".join(self.names()))

    def get(self, name: str, runtime: feelish.Runtime) -> tuple[feelish.Template, Any]:
        """(template, compiled connector) for `name`; raises TemplateError if unknown or invalid."""
        entry = self._loaded.get(name)
        if entry is None:
            with self._lock:
                entry = self._loaded.get(name)
                if entry is None:
                    source = self._source(name)
                    template = source if isinstance(source, feelish.Template) else \
                        feelish.load_template(source)
                    entry = self._loaded[name] = (template, connector_for(template, runtime))
        return entry
