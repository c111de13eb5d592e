"""Secrets: providers, `<<secrets.NAME>>` placeholders (spliced in at the value level when an
expression is evaluated) and the `Redactor` that keeps secret values out of everything shown."""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping

from .errors import SecretError
from .patterns import lazy
from .taint import SecretStr, SplicedStr, spliced

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .secret_provider import SecretProvider

#: NAME: alphanumeric runs joined by single `/ . _ -`, as connector runtimes name secrets.
SECRET_NAME = r"[A-Za-z0-9]+(?:[/._-][A-Za-z0-9]+)*"
PLACEHOLDER = lazy(r"<<\s*secrets\.(" + SECRET_NAME + r")\s*>>")

REDACTED = "***"


def split_placeholders(text: str) -> list[str | tuple[str]]:
    """Split `text` into literal pieces (str) and secret names (1-tuples), in order.

    `"Bearer <<secrets.TOKEN>>"` -> `["Bearer ", ("TOKEN",)]`.  Text without placeholders
    comes back as `[text]`.
    """
    parts: list[str | tuple[str]] = []
    pos = 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > pos:
            parts.append(text[pos:match.start()])
        parts.append((match.group(1),))
        pos = match.end()
    if pos < len(text) or not parts:
        parts.append(text[pos:])
    return parts


# ----------------------------------------------------------------------------- providers


def __getattr__(name: str) -> Any:
    """`SecretProvider` (a typing.Protocol, see `secret_provider`) on first use."""
    if name == "SecretProvider":
        from .secret_provider import SecretProvider

        return SecretProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class MappingSecrets:
    """Secrets from a mapping (a dict the engine hands over)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]):
        self._values = {str(k): str(v) for k, v in values.items() if v is not None}

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def names(self) -> list[str]:
        return sorted(self._values)

    def __repr__(self) -> str:
        return f"MappingSecrets(names={self.names()!r})"


class EnvironmentSecrets:
    """Secrets from environment variables: `<<secrets.API_KEY>>` reads `{prefix}API_KEY`."""

    __slots__ = ("prefix", "_environ")

    def __init__(self, prefix: str = "", environ: Mapping[str, str] | None = None):
        self.prefix = prefix
        self._environ = os.environ if environ is None else environ

    def get(self, name: str) -> str | None:
        return self._environ.get(self.prefix + name)

    def names(self) -> list[str]:
        n = len(self.prefix)
        return sorted(k[n:] for k in self._environ if k.startswith(self.prefix) and len(k) > n)

    def __repr__(self) -> str:
        return f"EnvironmentSecrets(prefix={self.prefix!r})"


_DOTENV_LINE = lazy(r"^\s*(?:export\s+)?([A-Za-z0-9_./-]+)\s*=\s*(.*?)\s*$")


class DotenvSecrets(MappingSecrets):
    """Secrets from a dotenv-style file: `NAME=value`, `# comments`, optional quotes.

    Double-quoted values understand `\\n`, `\\t`, `\\"` and `\\\\`; single-quoted values are literal.
    """

    __slots__ = ("path",)

    def __init__(self, path: str | os.PathLike[str]):
        from pathlib import Path  # loaded by the files that need it, not by every start

        self.path = Path(path)
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SecretError(f"cannot read secrets file {str(self.path)!r}: {exc.strerror}") from None
        values: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            match = _DOTENV_LINE.match(line)
            if not match:
                # The line may hold a secret: say where it is, never what it says.
                raise SecretError(f"{self.path}:{number}: expected NAME=value")
            values[match.group(1)] = _dotenv_value(match.group(2))
        super().__init__(values)

    def __repr__(self) -> str:
        return f"DotenvSecrets(path={str(self.path)!r}, names={self.names()!r})"


def _dotenv_value(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
        return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), "\\" + m.group(1)), raw[1:-1])
    # unquoted: an inline comment starts at " #"
    return raw.split(" #", 1)[0].rstrip()


class ChainSecrets:
    """Several providers, asked in order; the first that knows a name wins."""

    __slots__ = ("providers",)

    def __init__(self, *providers: SecretProvider):
        self.providers = tuple(providers)

    def get(self, name: str) -> str | None:
        for provider in self.providers:
            value = provider.get(name)
            if value is not None:
                return value
        return None

    def names(self) -> list[str]:
        return sorted({n for p in self.providers for n in p.names()})

    def __repr__(self) -> str:
        return f"ChainSecrets{self.providers!r}"


class _NoSecrets:
    __slots__ = ()

    def get(self, name: str) -> None:
        return None

    def names(self) -> list[str]:
        return []

    def __repr__(self) -> str:
        return "NoSecrets()"


NO_SECRETS = _NoSecrets()


def as_provider(secrets: SecretProvider | Mapping[str, Any] | None) -> SecretProvider:
    """Accept what callers naturally pass: None, a mapping, or a provider."""
    if secrets is None:
        return NO_SECRETS
    if isinstance(secrets, Mapping):
        return MappingSecrets(secrets)
    from .secret_provider import SecretProvider

    if isinstance(secrets, SecretProvider):
        return secrets
    raise TypeError(f"secrets must be a mapping or a SecretProvider, not {type(secrets).__name__}")


# ----------------------------------------------------------------------------- resolution


class SecretResolver:
    """Resolves names for one evaluation or one connector call and remembers the values used,
    so that everything that call reports can be redacted."""

    __slots__ = ("provider", "used")

    def __init__(self, provider: SecretProvider | Mapping[str, Any] | None):
        self.provider = as_provider(provider)
        self.used: set[str] = set()

    def resolve(self, name: str) -> str:
        value = self.provider.get(name)
        if value is None:
            raise SecretError(f"secret {name!r} is not available", name=name)
        value = str(value)
        if value:
            self.used.add(value)
        return spliced(value)

    def redactor(self) -> "Redactor":
        return Redactor(self.used)

    def __repr__(self) -> str:
        return f"SecretResolver(provider={self.provider!r}, used={len(self.used)})"


#: Secrets shorter than this mask only where they stand alone (see `Redactor`).
SHORT_SECRET = 8


def encodings(value: str) -> set[str]:
    """The forms in which `value` may travel: as is, URL-encoded (path, query and form styles),
    JSON-escaped, escaped as a Python literal (messages quote values with repr), and base64
    (standard and URL-safe, padded or not)."""
    import base64  # only where a secret value is used: not part of every start
    import json
    from urllib.parse import quote, quote_plus

    forms = {value, quote(value, safe=""), quote(value), quote_plus(value),
             json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1]}
    raw = value.encode("utf-8")
    for coded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = coded.decode("ascii")
        forms.update((text, text.rstrip("=")))
    forms.discard("")
    return forms


def _alternation(values: Iterable[str]) -> str:
    return "|".join(map(re.escape, sorted(values, key=len, reverse=True)))


class Redactor:
    """Replaces every occurrence of the given secret values with `***`, in text and in data.

    Each value is looked for in every form it may travel in (`encodings`), in any letter case.
    A value shorter than `SHORT_SECRET` characters is masked only where it stands alone (no
    letter, digit or `_` right before or after it), so a one-letter secret does not turn
    `username` into `u***ername`; longer values are masked wherever they appear.
    """

    __slots__ = ("_pattern", "_labels", "_values", "_loose")

    def __init__(self, values: Iterable[str], labels: Mapping[str, str] | None = None, *,
                 anywhere: bool = False):
        """`labels`: what replaces a given value (in any of its forms) instead of `***`.
        `anywhere`: short values too are masked wherever they appear (text known to be built
        from the values, such as a dry run's request)."""
        long_forms: set[str] = set()
        short_forms: set[str] = set()
        self._labels: dict[str, str] = {}
        self._values = {str.__str__(v) for v in values if v}
        self._loose: re.Pattern | None = None
        for value in self._values:
            forms = encodings(value)
            (short_forms if len(value) < SHORT_SECRET and not anywhere else long_forms).update(forms)
            if labels and value in labels:
                self._labels.update((form.casefold(), labels[value]) for form in forms)
        # a long form that merely contains a short one is still found whole (longest first)
        parts = []
        if long_forms:
            parts.append(f"(?:{_alternation(long_forms)})")
        if short_forms:
            parts.append(rf"(?<!\w)(?:{_alternation(short_forms)})(?!\w)")
        self._pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, text: str) -> str:
        if self._pattern is None:
            return text
        if self._labels:
            labels = self._labels
            return self._pattern.sub(lambda m: labels.get(m.group(0).casefold(), REDACTED), text)
        return self._pattern.sub(REDACTED, text)

    def value(self, value: Any) -> Any:
        """Deeply redact strings (and bytes) in lists, tuples and dicts (keys too).  A value
        computed from a secret (a SecretStr) becomes `***` whatever its text; one made only of
        literal text and whole secrets (a SplicedStr: `"Bearer <<secrets.T>>"`) shows its
        literal text, each secret masked wherever it stands (`***` when this redactor does not
        know the secret in it)."""
        if type(value) is SplicedStr:
            plain = str.__str__(value)
            if self._pattern is None:
                return REDACTED
            shown = self._anywhere().sub(REDACTED, plain)
            return shown if shown != plain else REDACTED
        if isinstance(value, SecretStr):
            return REDACTED
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bytes):
            if self._pattern is None:
                return value
            try:
                return self.text(value.decode("utf-8")).encode("utf-8")
            except UnicodeDecodeError:
                return value
        if isinstance(value, Mapping):
            return {self.value(k): self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(v) for v in value]
        return value

    def _anywhere(self) -> re.Pattern:
        if self._loose is None:
            self._loose = Redactor(self._values, anywhere=True)._pattern
        return self._loose

    def contains_secret(self, text: str) -> bool:
        return bool(self._pattern and self._pattern.search(text))

    def __repr__(self) -> str:
        return "Redactor(***)"


def iter_secret_names(text: str) -> Iterator[str]:
    """Every secret name referenced by placeholders in `text` (for checks and REPL listings)."""
    for match in PLACEHOLDER.finditer(text):
        yield match.group(1)
