"""REPL completion: variables, context keys after `.`, built-in names and commands."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.document import Document

_PATH = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\.([A-Za-z0-9_]*)$")


def _builtins() -> list[str]:
    try:
        from ..language.builtins import names
        return list(names())
    except Exception:  # the library is not importable: complete variables only
        return []


def lookup_path(variables: Mapping[str, Any], dotted: str) -> Any:
    value: Any = variables
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def candidates(text: str, variables: Mapping[str, Any], commands: Iterable[str]) -> tuple[int, list[str]]:
    """(how many characters before the cursor to replace, sorted candidates) for `text`."""
    match = _PATH.search(text)
    if match:
        base, prefix = match.groups()
        value = lookup_path(variables, base)
        keys = [k for k in value if k.startswith(prefix)] if isinstance(value, Mapping) else []
        return len(prefix), sorted(keys)
    stripped = text.lstrip()
    if stripped.startswith(":") and " " not in stripped:
        return len(stripped), sorted(c for c in commands if c.startswith(stripped))
    match = re.search(r"([A-Za-z_][A-Za-z0-9_]*(?: [a-z]+)*)$", text)
    if not match:
        return 0, []
    word = match.group(1)
    words = list(variables) + _builtins()
    found = sorted({w for w in words if w.startswith(word) and w != word})
    if not found and " " in word:  # "x and s" -> complete the last word only
        word = word.rsplit(" ", 1)[1]
        found = sorted({w for w in words if w.startswith(word) and w != word})
    return len(word), found


class ReplCompleter(Completer):
    def __init__(self, variables: Callable[[], Mapping[str, Any]], commands: Iterable[str]):
        self._variables = variables
        self._commands = tuple(commands)

    def get_completions(self, document: Document, complete_event):
        text = document.text_before_cursor
        length, found = candidates(text, self._variables(), self._commands)
        for item in found:
            yield Completion(item, start_position=-length)
