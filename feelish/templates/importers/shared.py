"""What the request importers share: a `Building` that gathers a request's parts (URL, query,
headers, body, authentication, settings) into a `Draft`'s inputs and fields, and the tests for
credential-looking names and id-looking path segments."""
from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from .writer import Draft, Expr, string_literal

_CREDENTIAL = re.compile(
    r"(?i)(^|[-_ ])(api[-_]?key|apikey|key|token|access[-_]?token|auth|authorization|secret|"
    r"client[-_]?secret|password|passwd|pwd|session|sessionid|signature|sig|credentials?|"
    r"private[-_]?key)([-_ ]|$)|api[-_]?key|token$|secret|password")
_ID = re.compile(r"\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                 r"|[0-9a-fA-F]{16,}")

RESULT = Expr("{status: response.status, body: response.body}")


def is_credential_name(name: str) -> bool:
    """`X-API-Key`, `access_token`, `password`, `client_secret`... (not `keyword`, `author`)."""
    return bool(_CREDENTIAL.search(name))


def looks_like_id(segment: str) -> bool:
    return bool(segment) and bool(_ID.fullmatch(segment))


def json_input_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "context"
    if isinstance(value, list):
        return "list"
    return "any"


class _ContentType:
    def __init__(self) -> None:
        self.value: str | None = None

    def get(self) -> str | None:
        return self.value

    def set(self, value: str) -> None:
        self.value = value

    def setdefault(self, value: str) -> None:
        if self.value is None:
            self.value = value


class Building:
    """The parts of one request while an importer reads it; `finish()` appends them to the draft's
    fields in a fixed, readable order."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.url_expr: Expr | None = None
        self._segments: tuple[str, list[tuple[str, bool]]] | None = None
        self.queries: dict[str, Any] = {}
        self._query_pairs: list[tuple[str, str]] = []
        self.headers: dict[str, Any] = {}
        self.cookies: dict[str, Any] = {}
        self.content_type = _ContentType()
        self.body: Any = None
        self.auth: dict[str, Any] = {}
        self.settings: dict[str, Any] = {}
        self.result: Any = RESULT

    # ---------------------------------------------------------------- URL
    def url(self, base: str, segments: list[tuple[str, bool]]) -> None:
        """`base + "/orders/" + orderId`: segments flagged as ids become string inputs, segments
        that equal a credential found elsewhere become its secret (built in `finish`)."""
        self._segments = (base, segments)

    def _build_url(self) -> None:
        base, segments = self._segments
        by_value = {v: k for k, v in self.draft.secrets.items() if len(v) >= 3}
        pieces: list[str] = [base]
        literal_text = ""
        previous = "item"
        for index, (segment, is_id) in enumerate(segments):
            if index == 0 and segment == "":
                continue
            literal_text += "/"
            if segment in by_value or is_id:
                if literal_text:
                    pieces.append(string_literal(literal_text))
                literal_text = ""
                if segment in by_value:
                    pieces.append(f'"<<secrets.{by_value[segment]}>>"')
                else:
                    pieces.append(self.draft.add_input(f"{_singular(previous)} id", type="string",
                                                       default=segment, doc=f"path segment after /{previous}"))
            else:
                literal_text += segment
                previous = segment or previous
        if literal_text:
            pieces.append(string_literal(literal_text))
        self.url_expr = Expr(" + ".join(pieces))

    # ---------------------------------------------------------------- query
    def query(self, key: str, value: str) -> None:
        """A pasted query parameter: a secret if it looks like a credential, else an input."""
        self._query_pairs.append((key, value))

    def _emit_query(self) -> None:
        grouped: dict[str, list[str]] = {}
        for key, value in self._query_pairs:
            grouped.setdefault(key, []).append(value)
        for key, values in grouped.items():
            if is_credential_name(key):
                self.queries[key] = self.draft.secret(key, values[0])
            elif len(values) == 1:
                self.queries[key] = Expr(self.draft.add_input(key, type="string", default=values[0],
                                                              doc=f"query parameter {key}"))
            else:
                self.queries[key] = Expr(self.draft.add_input(key, type="list<string>", default=values,
                                                              doc=f"query parameter {key} (repeated)"))

    # ---------------------------------------------------------------- body
    def body_fields(self, values: dict[str, Any]) -> None:
        """A context body: one input per entry (credentials become secrets)."""
        body: dict[str, Any] = {}
        for key, value in values.items():
            if isinstance(value, Expr):
                body[key] = value
            elif isinstance(value, str) and is_credential_name(key):
                body[key] = self.draft.secret(key, value)
            else:
                body[key] = Expr(self.draft.add_input(key, type=json_input_type(value), default=value,
                                                      doc=f"body field {key}"))
        self.body = body

    def whole_body(self, value: Any, kind: str) -> None:
        self.body = Expr(self.draft.add_input("body", type=kind, default=value, doc="the request body"))

    def document_input(self, key: str, path: str) -> Expr:
        name = self.draft.add_input(f"{key} path", type="string", default=path,
                                    doc=f"path of the file sent as {key}")
        return Expr(f'{{kind: "document", path: {name}}}')

    def document_body(self, path: str) -> None:
        self.body = self.document_input("body", path)

    # ---------------------------------------------------------------- result
    def finish(self) -> None:
        if self._segments is not None:
            self._build_url()
        self._emit_query()
        fields = self.draft.fields
        fields.append(("url", self.url_expr))
        if self.queries:
            fields.append(("queryParameters", self.queries))
        if self.headers:
            fields.append(("headers", self.headers))
        if self.cookies:
            fields.append(("cookies", self.cookies))
        if self.content_type.get() is not None:
            fields.append(("contentType", self.content_type.get()))
        if self.body is not None:
            fields.append(("body", self.body))
        fields += [(f"authentication.{k}", v) for k, v in self.auth.items()]
        fields += list(self.settings.items())
        if self.result is not None:
            fields.append(("resultExpression", self.result))


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def add_auth_basic(b: Building, user: str, password: str, where: str, *, digest: bool = False,
                   prefix: str = "API") -> None:
    b.auth.clear()
    b.auth["type"] = "digest" if digest else "basic"
    b.auth["username"] = b.draft.secret(f"{prefix}_USERNAME", user)
    b.auth["password"] = b.draft.secret(f"{prefix}_PASSWORD", password)


def add_auth_bearer(b: Building, token: str | None, prefix: str = "API") -> None:
    b.auth.clear()
    b.auth["type"] = "bearer"
    b.auth["token"] = b.draft.secret(f"{prefix}_TOKEN", token)


def authorization_header(b: Building, value: str) -> None:
    """`Authorization: Bearer x` / `Basic b64` -> authentication; another scheme keeps its name
    and hides the credentials."""
    scheme, _, credentials = value.partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer" and credentials:
        add_auth_bearer(b, credentials)
        return
    if scheme.lower() == "basic" and credentials:
        try:
            user, sep, password = base64.b64decode(credentials, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            sep = ""
        if sep:
            add_auth_basic(b, user, password, "authorization")
            return
    if credentials:
        b.headers["Authorization"] = b.draft.secret("AUTHORIZATION", credentials, prefix=scheme + " ")
    else:
        b.headers["Authorization"] = b.draft.secret("AUTHORIZATION", value)
