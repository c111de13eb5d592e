"""Inputs and outputs shared by the CLI and the REPL (variables from JSON, secrets, JSON output);
every problem is a one-line `UsageError`, never a traceback."""
from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence

from ..errors import FeelishError, SecretError
from ..secrets import ChainSecrets, DotenvSecrets, EnvironmentSecrets
from ..language.codec import from_json_text, json_text
from ..taint import masked

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from ..secrets import SecretProvider


class UsageError(FeelishError):
    """A mistake in how feelish was called (bad flag value, unreadable file, invalid JSON)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        return self.message + (f"\nhint: {self.hint}" if self.hint else "")


def parse_json(text: str, what: str) -> Any:
    """JSON text -> FEEL values (numbers exact).  `what` names the source in the error."""
    try:
        return from_json_text(text)
    except ValueError as exc:
        detail = str(exc).split(":", 1)[0] if isinstance(exc, json.JSONDecodeError) else str(exc)
        where = ""
        if isinstance(exc, json.JSONDecodeError):
            where = f" at line {exc.lineno}, column {exc.colno}"
        raise UsageError(f"{what}: invalid JSON{where}: {detail}") from None


def read_text(path: str, what: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        raise UsageError(f"{what}: no such file {path!r}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{what}: cannot read {path!r}: {getattr(exc, 'strerror', None) or exc}") from None


def load_vars_file(path: str) -> dict[str, Any]:
    data = parse_json(read_text(path, "--vars"), f"--vars {path}")
    if not isinstance(data, dict):
        raise UsageError(f"--vars {path}: expected a JSON object of variables, not {_kind(data)}")
    return data


def parse_assignment(text: str, flag: str = "--var", raw: bool = False) -> tuple[str, Any]:
    """`NAME=JSON` (or `NAME=TEXT` when raw) -> (name, value)."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise UsageError(f"{flag} {text!r}: expected NAME={'TEXT' if raw else 'JSON'}")
    if raw:
        return name, value
    try:
        return name, from_json_text(value)
    except ValueError:
        raise UsageError(f"{flag} {name}: the value is not JSON",
                         hint=f"strings need JSON quotes: {flag} {name}='\"{value}\"' "
                              f"(or --arg {name}={value})") from None


def collect_variables(vars_files: Sequence[str] = (), assignments: Sequence[str] = (),
                      raw_assignments: Sequence[str] = ()) -> dict[str, Any]:
    """Variables from `--vars` files (in order), then `--var NAME=JSON`, then `--arg NAME=TEXT`."""
    if sum(1 for p in vars_files if p == "-") > 1:
        raise UsageError("--vars -: standard input can be read only once")
    variables: dict[str, Any] = {}
    for path in vars_files:
        variables.update(load_vars_file(path))
    for text in assignments:
        name, value = parse_assignment(text)
        variables[name] = value
    for text in raw_assignments:
        name, value = parse_assignment(text, "--arg", raw=True)
        variables[name] = value
    return variables


def build_secrets(files: Sequence[str] = (), env_prefixes: Sequence[str] = ()) -> SecretProvider | None:
    """`--secrets-file` (dotenv) providers first, then `--secrets-env PREFIX` ones."""
    providers: list[SecretProvider] = []
    for path in files:
        try:
            providers.append(DotenvSecrets(path))
        except SecretError as exc:
            raise UsageError(f"--secrets-file: {exc.message}") from None
    for prefix in env_prefixes:
        providers.append(EnvironmentSecrets(prefix))
    if not providers:
        return None
    return providers[0] if len(providers) == 1 else ChainSecrets(*providers)


def secret_args(pairs: Sequence[str]) -> dict[str, str]:
    """`--secret-arg INPUT=SECRET` (INPUT may be `auth.password`): {input path: secret name}."""
    out: dict[str, str] = {}
    for pair in pairs:
        target, sep, name = pair.partition("=")
        target, name = target.strip(), name.strip()
        if not sep or not target or not name or not all(target.split(".")):
            raise UsageError(f"--secret-arg {pair!r}: expected INPUT=SECRET_NAME "
                             "(e.g. auth.password=API_PASSWORD)")
        out[target] = name
    return out


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a " + type(value).__name__


def to_json(value: Any, *, compact: bool = False) -> str:
    """JSON text of a FEEL value: numbers exact, temporal values and durations as ISO 8601.
    A value computed from a secret shows as `***`."""
    return json_text(masked(value), indent=None if compact else 2)


def redact_json(data: Mapping[str, Any] | Any, redactor) -> Any:
    return redactor.value(data) if redactor else data
