"""URL checks and query parameters, under the rule that what the user wrote survives (as written by
default, verbatim with `skipEncoding`)."""
from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import quote, urlsplit

import httpx2

from ..errors import ConnectorError
from ..language.values import YearsMonthsDuration
from ..language.codec import feel_string
from ..language.wide import WIDE_TYPES

_SAFE_QUERY = "-._~"  # unreserved; everything else in a parameter is escaped


_MAX_DIGITS = 4000  # digits a number may have on the wire (headers, query, forms)
_ISO_TEXT = (_dt.date, _dt.time, *WIDE_TYPES)


def _no_text(value, field: str, what: str) -> ConnectorError:
    return ConnectorError("INPUT_ERROR", f"{what} is a number with no text form here: "
                          f"{str(value)[:40]} (not finite, or more than {_MAX_DIGITS} digits)",
                          field=field)


def scalar_text(value, field: str, what: str) -> str:
    """The text of a scalar FEEL value as it goes on the wire (headers, query, forms)."""
    if isinstance(value, str):
        return value
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value.adjusted()) >= _MAX_DIGITS:
            raise _no_text(value, field, what)
        if value == value.to_integral_value() and abs(value.adjusted()) < 30:
            return str(value.quantize(Decimal(1)))
        return format(value.normalize(), "f")
    if isinstance(value, int):
        if value.bit_length() > 13_000:  # ~3900 digits: str() itself refuses past 4300
            raise _no_text(f"an integer of {value.bit_length()} bits", field, what)
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _no_text(value, field, what)
        return repr(value)
    if isinstance(value, _ISO_TEXT):  # wide ones too: years beyond 1..9999, nanoseconds
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return feel_string(value)  # ISO 8601, as FEEL writes it
    if isinstance(value, YearsMonthsDuration):
        return str(value)
    kind = "a context" if isinstance(value, Mapping) else "a list" if isinstance(value, (list, tuple)) \
        else type(value).__name__
    raise ConnectorError("INPUT_ERROR", f"{what} must be a string, number or boolean, not {kind}",
                         field=field)


def check_url(url, field: str = "url") -> str:
    """The URL text, stripped; refuses non-strings and control characters (the scheme and the
    host are checked on the parsed URL in `build_url`)."""
    if not isinstance(url, str):
        raise ConnectorError("INPUT_ERROR", f"Invalid URL: expected a string, got "
                             f"{'null' if url is None else type(url).__name__}", field=field)
    text = url.strip()
    if "\r" in text or "\n" in text or "\t" in text or "\x00" in text:
        raise ConnectorError("INPUT_ERROR", f"Invalid URL {text!r}: control characters", field=field)
    return text


def encode_query(params, field: str = "queryParameters") -> str:
    """`{"a": 1, "b": [x, y], "c": null}` -> `a=1&b=x&b=y` (nulls dropped, lists repeated)."""
    if params is None:
        return ""
    if not isinstance(params, Mapping):
        raise ConnectorError("INPUT_ERROR", "queryParameters must be a context", field=field)
    pieces = []
    for key, value in params.items():
        name = _escape(str(key))
        values = value if isinstance(value, (list, tuple)) else (value,)
        for item in values:
            if item is None:
                continue
            text = scalar_text(item, field, f"query parameter {key!r}")
            pieces.append(f"{name}={_escape(text)}")
    return "&".join(pieces)


def _escape(text: str) -> str:
    # plain ASCII letters and digits (most names, ids, numbers) need no escaping: skip `quote`
    if text.isalnum() and text.isascii():
        return text
    return quote(text, safe=_SAFE_QUERY)


def build_url(url, params, *, verbatim: bool) -> tuple[httpx2.URL, bytes | None]:
    """The URL to send and, for verbatim mode, the exact request target."""
    text = check_url(url)
    text, _, _fragment = text.partition("#")
    query = encode_query(params)
    if query:
        text += ("&" if "?" in text and not text.endswith(("?", "&")) else
                 "" if text.endswith(("?", "&")) else "?") + query
    key = (text, verbatim)
    known = _BUILT.get(key)
    if known is not None:
        return known
    built = _parse(text, verbatim)
    if len(_BUILT) >= _BUILT_MAX:
        _BUILT.clear()  # bounded: URLs that vary per call (ids in the path) must not pile up
    _BUILT[key] = built
    return built


#: URL text -> its checked, parsed form. Parsing (httpx2's validation and normalisation) is
#: most of the cost of building a request, and a connector usually calls the same few URLs;
#: `httpx2.URL` is immutable, so one parse serves every call with the same text.
_BUILT: dict[tuple[str, bool], tuple[httpx2.URL, bytes | None]] = {}
_BUILT_MAX = 512


def _parse(text: str, verbatim: bool) -> tuple[httpx2.URL, bytes | None]:
    try:
        parsed = httpx2.URL(text)
    except (httpx2.InvalidURL, ValueError) as exc:
        raise ConnectorError("INPUT_ERROR", f"Invalid URL {text!r}: {exc}", field="url") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConnectorError("INPUT_ERROR", f"Invalid URL {text!r}: it needs http:// or https:// "
                             "and a host", field="url")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise ConnectorError("INPUT_ERROR", f"Invalid URL {text!r}: invalid port {parsed.port} "
                             "(a port is 1 to 65535)", field="url")
    if not verbatim:
        return parsed, None
    parts = urlsplit(text)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    bad = sorted({ch for ch in target if ord(ch) <= 32 or ord(ch) >= 127})
    if bad:
        raise ConnectorError("INPUT_ERROR", f"skipEncoding is on, but the URL holds characters that "
                             f"cannot be sent unencoded: {', '.join(map(repr, bad))}", field="url")
    return parsed, target.encode("ascii")
