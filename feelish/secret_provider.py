"""`SecretProvider`: the protocol every source of secrets follows (`get`, `names`), in its own
module so that `feelish.secrets` (part of every start) does not import `typing`; it is
`feelish.secrets.SecretProvider` and `feelish.SecretProvider` as well."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

__all__ = ["SecretProvider"]


@runtime_checkable
class SecretProvider(Protocol):
    """Anything that can look a secret up by name. `names()` lists what it holds (never values)."""

    def get(self, name: str) -> str | None: ...

    def names(self) -> Iterable[str]: ...
