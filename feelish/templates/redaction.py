"""Redaction of a recorded test case: every secret value, secret input, obtained token and
credential-looking entry (`Authorization`, `Set-Cookie`, `password`, `access_token`, ...) becomes
`***`, in every form it may take in a recording (as written, JSON-escaped, percent-encoded,
base64).  A case that still holds a secret after redaction is refused, never saved."""
from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote_plus, urlsplit

from ..errors import TemplateError
from ..secrets import REDACTED
from .importers.shared import is_credential_name

_COOKIE_HEADERS = {"set-cookie", "cookie"}
#: the shortest secret value a recording can be scrubbed of
MIN_LENGTH = 3
#: credential-looking names that hold no credential
_NOT_CREDENTIALS = {"token_type", "tokentype", "token-type", "authenticated", "expires_in",
                    "access-control-allow-credentials", "www-authenticate"}
_NOT_VALUES = {"true", "false", "null", "none", ""}
_USERINFO = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^/@\s:]*):([^/@\s]+)@")
_URL = re.compile(r"https?://", re.I)
_FORM = re.compile(r"[^=&\s]+=[^&\s]*(?:&[^=&\s]+=[^&\s]*)*")


def forms(value: str) -> set[str]:
    """The encodings a value can appear in inside a recording."""
    raw = value.encode("utf-8")
    out = {value, json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(value)[1:-1],
           quote(value, safe=""), quote(value), quote_plus(value)}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        out |= {text, text.rstrip("=")}
    return {f for f in out if f}


def _credential_entries(data: Any, found: set[str]) -> Any:
    """Replace the values of credential-named entries (headers, body fields) and remember them."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            name = str(key)
            credential = is_credential_name(name) and name.lower() not in _NOT_CREDENTIALS
            if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict) for v in value)):
                out[key] = _credential_entries(value, found)  # `auth: {type, username, password}`
            elif (credential or name.lower() in _COOKIE_HEADERS) and value not in (None, "") and \
                    not isinstance(value, bool):
                for one in value if isinstance(value, list) else [value]:
                    if isinstance(one, str) and one.lower() not in _NOT_VALUES:
                        found.add(one)
                        if name.lower() in _COOKIE_HEADERS:  # `name=value; Path=/`: the value alone too
                            found.update(p.split("=", 1)[1] for p in one.split(";")[:1] if "=" in p)
                out[key] = REDACTED
            else:
                out[key] = _credential_entries(value, found)
        return out
    if isinstance(data, list):
        return [_credential_entries(v, found) for v in data]
    return data


class _Scrubber:
    def __init__(self, values: Iterable[str]) -> None:
        everything = set()
        for value in {v for v in values if v and v != REDACTED}:
            everything |= forms(value)
        self.forms = sorted(everything, key=len, reverse=True)
        self.raw = sorted({v for v in values if v and v != REDACTED}, key=len, reverse=True)

    def text(self, text: str) -> str:
        for form in self.forms:
            if form in text:
                text = text.replace(form, REDACTED)
        decoded = unquote_plus(text) if "%" in text or "+" in text else text
        if decoded != text and any(v in decoded for v in self.raw):
            text = self.text(decoded)
        return text

    def value(self, data: Any) -> Any:
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, dict):
            return {self.text(str(k)): self.value(v) for k, v in data.items()}
        if isinstance(data, list):
            return [self.value(v) for v in data]
        return data


def _embedded(data: Any, found: set[str]) -> None:
    """Credentials inside strings: user info in URLs, credential-named query or form parameters."""
    if isinstance(data, dict):
        for value in data.values():
            _embedded(value, found)
    elif isinstance(data, list):
        for value in data:
            _embedded(value, found)
    elif isinstance(data, str) and ("=" in data or "@" in data):
        for match in _USERINFO.finditer(data):
            found.add(unquote_plus(match.group(2)))
        query = urlsplit(data).query if _URL.match(data) else data if _FORM.fullmatch(data) else ""
        for key, value in parse_qsl(query, keep_blank_values=False):
            if is_credential_name(key) and key.lower() not in _NOT_CREDENTIALS and value.lower() not in _NOT_VALUES:
                found.add(value)


def redact_case(case: dict[str, Any], values: Iterable[str]) -> dict[str, Any]:
    """The case with every secret removed; raises TemplateError if one would remain."""
    found = set(values)
    if any(len(v) < MIN_LENGTH for v in found):
        raise TemplateError(f"a secret value shorter than {MIN_LENGTH} characters cannot be told from "
                            "ordinary text, so the recording cannot be redacted; nothing was saved")
    _embedded([case.get("variables"), case.get("exchanges")], found)
    found = {v for v in found if len(v) >= MIN_LENGTH}  # short credential-named values: replaced by key
    exchanges = []
    for exchange in case.get("exchanges") or []:
        exchanges.append(_credential_entries(exchange, found))
    case = {**case, "exchanges": exchanges,
            "variables": _credential_entries(case.get("variables") or {}, found)}
    scrub = _Scrubber(found)
    clean = scrub.value(case)
    text = json.dumps(clean, ensure_ascii=False, default=str)
    ascii_text = json.dumps(clean, default=str)
    for form in scrub.forms:
        if len(form) >= MIN_LENGTH and (form in text or form in ascii_text):
            raise TemplateError("the recording still holds a secret after redaction; nothing was saved")
    return clean
