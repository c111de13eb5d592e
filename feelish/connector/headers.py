"""Request headers from the `headers` context, the engine context and defaults (names
case-insensitive, no header injection), and `cookies` sent as one `Cookie` header."""
from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import ConnectorError
from .urls import scalar_text

try:
    from importlib.metadata import version as _version
    USER_AGENT = f"feelish/{_version('feelish')}"
except Exception:  # pragma: no cover - running from a bare checkout
    USER_AGENT = "feelish"
DEFAULT_HEADERS = (("User-Agent", USER_AGENT), ("Accept", "*/*"), ("Accept-Encoding", "gzip, deflate"))
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_COOKIE_BAD = re.compile(r'[;,"\\\x00-\x1f\x7f]')


def user_headers(headers, field: str = "headers") -> list[tuple[str, str]]:
    if headers is None:
        return []
    if not isinstance(headers, Mapping):
        raise ConnectorError("INPUT_ERROR", "headers must be a context of name: value", field=field)
    out: list[tuple[str, str]] = []
    for name, value in headers.items():
        name = str(name)
        if not _TOKEN.match(name):
            raise ConnectorError("INPUT_ERROR", f"header name {name!r} is not a valid HTTP token",
                                 field=field)
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if item is None:
                continue
            text = scalar_text(item, field, f"header {name!r}")
            if any(ch in text for ch in "\r\n\x00"):
                raise ConnectorError("INPUT_ERROR", f"header {name!r}: the value holds a line break",
                                     field=field)
            out.append((name, text))
    return out


def with_cookies(headers: list[tuple[str, str]], cookies) -> list[tuple[str, str]]:
    """Add the `cookies` context to `headers` as one `Cookie` header.

    Null values are dropped.  A name must be an HTTP token; a value may not hold `;`, `,`, a
    double quote, a backslash or a control character (RFC 6265 cookie-octets plus spaces), so no
    value can smuggle in another cookie or header.  Errors name `cookies.<name>`.
    """
    if cookies is None:
        return headers
    if not isinstance(cookies, Mapping):
        raise ConnectorError("INPUT_ERROR", "cookies must be a context of name: value", field="cookies")
    pairs = []
    for name, value in cookies.items():
        name = str(name)
        if not _TOKEN.match(name):
            raise ConnectorError("INPUT_ERROR", f"cookies.{name}: the name is not a valid cookie name "
                                 "(letters, digits and !#$%&'*+-.^_`|~)", field="cookies")
        if value is None:
            continue
        text = scalar_text(value, "cookies", f"cookies.{name}")
        bad = _COOKIE_BAD.search(text)
        if bad:
            raise ConnectorError("INPUT_ERROR", f"cookies.{name}: the value holds {bad.group()!r}, "
                                 "which cannot appear in a cookie value", field="cookies")
        pairs.append(f"{name}={text}")
    if not pairs:
        return headers
    written = [value.strip().rstrip(";").strip() for key, value in headers if key.lower() == "cookie"]
    joined = "; ".join([w for w in written if w] + pairs)
    return [pair for pair in headers if pair[0].lower() != "cookie"] + [("Cookie", joined)]


def _default_header_name(key: str) -> str:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", key).replace("_", "-").split("-")
    return "X-" + "-".join(w[:1].upper() + w[1:] for w in words if w)


def context_headers(option, context) -> list[tuple[str, str]]:
    """Bonita-style engine context headers.

    `contextHeaders: true` sends every context entry as `X-<Key-In-Title-Case>` (taskId ->
    X-Task-Id); a context `{taskId: "X-Activity"}` picks entries and names; a blank name skips.
    """
    if not option or not context:
        return []
    if option is True:
        names = {key: _default_header_name(str(key)) for key in context}
    elif isinstance(option, Mapping):
        names = {key: name for key, name in option.items()}
    else:
        raise ConnectorError("INPUT_ERROR", "contextHeaders must be true/false or a context of "
                             "context key: header name", field="contextHeaders")
    pairs = {name: context.get(key) for key, name in names.items()
             if isinstance(name, str) and name.strip()}
    return user_headers(pairs, "contextHeaders")


def find(headers: list[tuple[str, str]], name: str) -> str | None:
    lower = name.lower()
    for key, value in headers:
        if key.lower() == lower:
            return value
    return None


def merge(user: list[tuple[str, str]], defaults=DEFAULT_HEADERS) -> list[tuple[str, str]]:
    """Defaults first, each dropped when the user sent the same name."""
    if not user:
        return list(defaults)
    given = {k.lower() for k, _ in user}
    return [pair for pair in defaults if pair[0].lower() not in given] + user
