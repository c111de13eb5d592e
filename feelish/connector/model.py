"""Result types of a connector call, and the per-call secret bookkeeping."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConnectorError, SecretError, Warning
from ..secrets import Redactor, SecretProvider, SecretResolver
from ..taint import masked, reveal, spliced, start_collecting, stop_collecting, tainted_texts


@dataclass(frozen=True, slots=True)
class Outcome:
    """A successful call: `outputs` (the variables to set, all of them) and the response
    context `{status, reason, headers, body, document}`.

    `token`: the OAuth2 token this call obtained from the token endpoint (`{access_token,
    token_type, expires_in, expires_at, refresh_token, scope}`), None when the call used a cached
    token or no OAuth2 authentication.  With refresh-token rotation this is how the new refresh
    token reaches the caller.  Never shown in the repr.

    The outputs are data and hold what the expressions mapped, even a value a server echoed back
    that equals a secret; the repr masks every secret value the call used, so logging an outcome
    never prints one."""

    outputs: dict[str, Any]
    response: dict[str, Any] | None
    warnings: tuple[Warning, ...] = ()
    attempts: int = 1
    token: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    #: the secret values the call used, masked in the repr (the data itself stays as mapped)
    secret_values: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def __repr__(self) -> str:
        text = (f"Outcome(outputs={self.outputs!r}, response={self.response!r}, "
                f"warnings={self.warnings!r}, attempts={self.attempts!r})")
        return Redactor(self.secret_values).text(text) if self.secret_values else text


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """What a call would send (dry run). Secret values appear as `<<secrets.NAME>>`."""

    method: str
    url: str | None
    headers: list[tuple[str, str]]
    body: Any                      # JSON/text as text, forms as text, files as "<file …>"
    body_kind: str                 # none, json, text, form, multipart, bytes, file, token
    authentication: Any = None
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, "headers": [list(h) for h in self.headers],
                "body": self.body, "bodyKind": self.body_kind, "authentication": self.authentication,
                "settings": self.settings}


class SecretRecorder(SecretResolver):
    """The SecretResolver of one connector call: remembers which value came from which name
    (for redaction and for dry runs), every text derived from a secret during the call
    (`derived`: the taint collect scope of the call), and the fields' evaluation warnings.

    `resolve(name)` serves expressions (a missing secret raises SecretError); `get(name)` serves
    literal field values (None when missing).  A lenient recorder (dry runs) answers a missing
    secret with its own placeholder text."""

    __slots__ = ("by_value", "lenient", "warnings", "token", "derived", "_cached", "_strict")

    def __init__(self, provider: SecretProvider, *, lenient: bool = False):
        # no super().__init__: the provider is already a provider (skip the Protocol check)
        self.provider = provider
        self.used: set[str] = set()
        self.by_value: dict[str, str] = {}
        self.lenient = lenient
        self.warnings: list[Warning] = []
        self.token: dict[str, Any] | None = None
        self.derived: set[str] = set()
        self._cached: tuple[int, int, Redactor] | None = None
        self._strict: tuple[int, int, Redactor] | None = None

    def get(self, name: str) -> str | None:
        value = self.provider.get(name)
        if value is None:
            if not self.lenient:
                return None
            value = f"<<secrets.{name}>>"
        value = str(value)
        if value:
            self.used.add(value)
            self.by_value[value] = name
        return spliced(value)

    def resolve(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise SecretError(f"secret {name!r} is not available", name=name)
        return value

    def names(self):
        return self.provider.names()

    def __repr__(self) -> str:
        return f"SecretRecorder(used={len(self.used)})"

    def watch(self, scope: Mapping[str, Any]) -> None:
        """Record the secret texts the call's inputs already hold (secret inputs, contexts
        holding them)."""
        self.derived.update(t for t in tainted_texts(scope) if t)

    def plain(self, values: dict[str, Any]) -> dict[str, Any]:
        """The field values with every SecretStr made plain: the request gets the real bytes."""
        if not self.tainted:
            return values
        return {name: reveal(value) for name, value in values.items()}

    @property
    def tainted(self) -> bool:
        """Whether anything secret entered the call."""
        return bool(self.used or self.derived)

    def secret_texts(self) -> frozenset[str]:
        return frozenset(self.used | self.derived)

    def redactor(self) -> Redactor:
        """Masks every secret and derived secret of the call, in every form (cached)."""
        cached = self._cached
        if cached is not None and cached[0] == len(self.used) and cached[1] == len(self.derived):
            return cached[2]
        redactor = Redactor(self.used | self.derived)
        self._cached = (len(self.used), len(self.derived), redactor)
        return redactor

    def holds(self, text: str) -> bool:
        """Whether `text` holds a secret or derived secret of the call, even a short one glued
        to other characters."""
        cached = self._strict
        if cached is None or cached[0] != len(self.used) or cached[1] != len(self.derived):
            cached = self._strict = (len(self.used), len(self.derived),
                                     Redactor(self.used | self.derived, anywhere=True))
        return cached[2].contains_secret(text)

    def revealer(self):
        """A function that deeply replaces, in text and data, each secret value the call used
        with its placeholder and every text derived from one with `***` (in every form each
        travels in: URL-encoded, JSON-escaped, base64)."""
        if not self.tainted:
            return masked
        redactor = Redactor(self.used | self.derived,
                            {value: f"<<secrets.{name}>>" for value, name in self.by_value.items()})

        def show(value):
            value = masked(value)
            if isinstance(value, str):
                return redactor.text(value)
            if isinstance(value, dict):
                return {show(k): show(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return [show(v) for v in value]
            return value
        return show


_current: ContextVar[SecretRecorder | None] = ContextVar("feelish_connector_call", default=None)


#: the loggers that write request URLs: httpx2 (INFO) and urllib3's pool under it (DEBUG)
URL_LOGGERS = ("httpx2", "urllib3.connectionpool")


class _HttpxLogFilter(logging.Filter):
    """httpx2 and urllib3 log each request URL. A URL built with a secret (an API key in the query)
    must not reach the logs: mask the values (and derived values) the current call used, in
    every form (a context variable, so threads and asyncio tasks each see their own call)."""

    def filter(self, record: logging.LogRecord) -> bool:
        recorder = _current.get()
        if recorder is not None and recorder.tainted:
            text = record.getMessage()
            masked = recorder.redactor().text(text)
            if masked != text:
                record.msg, record.args = masked, None
        return True


for _name in URL_LOGGERS:
    logging.getLogger(_name).addFilter(_HttpxLogFilter())


def enter_call(recorder: SecretRecorder):
    """Make `recorder` the current call's: it collects every derived secret text made during the
    call (the taint collect scope)."""
    return _current.set(recorder), start_collecting(recorder.derived)


def leave_call(token) -> None:
    current, collecting = token
    _current.reset(current)
    stop_collecting(collecting)


def deliver_token(result: dict[str, Any]) -> None:
    """`on_token` for `feelish.auth.build_auth`: the auth flow runs inside the call (same thread,
    same asyncio task), so the call's recorder is the current one.  The token's values become
    secrets of the call: an error that echoes them is redacted."""
    recorder = _current.get()
    if recorder is None:
        return
    recorder.token = result
    for name in ("access_token", "refresh_token"):
        value = result.get(name)
        if isinstance(value, str) and value:
            recorder.used.add(value)


def holds_secret(text: str) -> bool:
    """Whether `text` holds (in any form, anywhere) a secret or derived secret of the current
    call: the redirect guard strips such headers and query parameters."""
    recorder = _current.get()
    return recorder is not None and recorder.tainted and recorder.holds(text)


def redirect_settings(rules) -> dict[str, bool]:
    """The redirect rules as a dry run shows them."""
    if rules is None:
        return {}
    return {"keepCredentialsOnRedirect": rules.keep_credentials,
            "allowInsecureRedirects": rules.allow_insecure}


def redact_error(exc: ConnectorError, recorder: SecretRecorder) -> ConnectorError:
    return exc.redact(recorder.redactor()) if recorder.tainted else exc
