"""Reading one mode's fields from an evaluated `authentication` context, with input errors that name
the field (never the value), collecting the secret values for redaction."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ..errors import ConnectorError
from ..secrets import Redactor

INPUT_ERROR = "INPUT_ERROR"


def input_error(name: str, message: str) -> ConnectorError:
    """`name` (a field of the authentication context) and what is wrong with it."""
    return ConnectorError(INPUT_ERROR, f"{name} {message}", field=f"authentication.{name}")


def _describe(value: Any) -> str:
    """A value's kind, for messages (never the value: it may be a secret)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float, Decimal)):
        return "a number"
    if isinstance(value, Mapping):
        return "a context"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


class Fields:
    """Typed access to one mode's fields; `finish()` rejects fields the mode does not know."""

    def __init__(self, config: Mapping[str, Any], mode: str):
        self.mode = mode
        self._config = {str(k): v for k, v in config.items() if v is not None and k != "type"}
        self._used: set[str] = set()
        self.secrets: set[str] = set()

    def _lookup(self, name: str, aliases: Iterable[str]) -> tuple[str, Any]:
        for key in (name, *aliases):
            if key in self._config:
                self._used.add(key)
                return key, self._config[key]
        return name, None

    def text(self, name: str, *, required: bool = False, secret: bool = False,
             aliases: Iterable[str] = ()) -> str | None:
        key, value = self._lookup(name, aliases)
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            value = format(value, "f") if isinstance(value, Decimal) else str(value)
        if value is not None and not isinstance(value, str):
            raise input_error(key, f"must be a string, not {_describe(value)}")
        if value is None or value == "":
            if required:
                raise input_error(name, f"is required for {self.mode} authentication")
            return None
        if secret:
            self.secrets.add(value)
        return value

    def boolean(self, name: str, default: bool) -> bool:
        key, value = self._lookup(name, ())
        if value is None:
            return default
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            raise input_error(key, f"must be a boolean, not {_describe(value)}")
        return value

    def choice(self, name: str, choices: Mapping[str, str], default: str,
               aliases: Iterable[str] = ()) -> str:
        key, value = self._lookup(name, aliases)
        if value is None or value == "":
            return default
        if isinstance(value, str):
            for spelling, canonical in choices.items():
                if value.lower() == spelling.lower():
                    return canonical
        options = ", ".join(f'"{c}"' for c in dict.fromkeys(choices.values()))
        # the value is not repeated: a misplaced secret must not end up in an error
        raise input_error(key, f"must be one of {options}")

    def string_map(self, name: str, *, required: bool = False, secret_values: bool = False,
                   aliases: Iterable[str] = ()) -> dict[str, str]:
        """A context of strings (headers, extra parameters); numbers and booleans become text."""
        key, value = self._lookup(name, aliases)
        if value is None:
            if required:
                raise input_error(name, f"is required for {self.mode} authentication")
            return {}
        if not isinstance(value, Mapping):
            raise input_error(key, f"must be a context, not {_describe(value)}")
        out: dict[str, str] = {}
        for k, v in value.items():
            if v is None:
                continue
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, (int, Decimal)):
                v = format(v, "f") if isinstance(v, Decimal) else str(v)
            if not isinstance(v, str):
                raise input_error(f"{key}.{k}", f"must be a string, not {_describe(v)}")
            out[str(k)] = v
            if secret_values and v:
                self.secrets.add(v)
        if required and not out:
            raise input_error(key, f"must hold at least one entry for {self.mode} authentication")
        return out

    def scopes(self, name: str = "scopes", aliases: Iterable[str] = ("scope",)) -> tuple[str, ...]:
        """Scopes as a space- or comma-separated string, or a list of strings."""
        key, value = self._lookup(name, aliases)
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(s for s in value.replace(",", " ").split() if s)
        if isinstance(value, (list, tuple)) and all(isinstance(s, str) for s in value):
            return tuple(s.strip() for s in value if s.strip())
        raise input_error(key, f"must be a string or a list of strings, not {_describe(value)}")

    def finish(self) -> None:
        unknown = sorted(set(self._config) - self._used)
        if unknown:
            raise input_error(unknown[0], f"is not a field of {self.mode} authentication")

    def redactor(self) -> Redactor:
        return Redactor(self.secrets)
