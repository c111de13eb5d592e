"""`lazy`: a regular expression compiled on first use, standing in for `re.compile(...)` at module
level, so a short start (`feelish eval '1+1'`) does not compile the patterns it never reaches."""
from __future__ import annotations

import re

__all__ = ["lazy"]

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "finditer", "findall",
            "groupindex", "groups", "flags")


class _Lazy:
    """`re.compile(pattern, flags)` on first attribute use; afterwards its methods are plain
    instance attributes (no indirection)."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str):
        compiled = re.compile(self.pattern, self._flags)
        for method in _METHODS:
            self.__dict__[method] = getattr(compiled, method)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern:
    """A stand-in for `re.compile(pattern, flags)` that compiles on first use."""
    return _Lazy(pattern, flags)  # type: ignore[return-value]
