"""The response context `{status, reason, headers, body, document}`: headers grouped
case-insensitively, the body decoded by its Content-Type, binary or large bodies written to a
document, too large ones refused."""
from __future__ import annotations

import codecs
import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

from ..bounds import acapped_chunks, capped_chunks
from ..errors import ConnectorError, Warning
from .documents import Documents

_TEXTUAL = ("text/", "application/xml", "application/javascript", "application/x-www-form-urlencoded",
            "application/yaml", "application/x-yaml", "application/graphql", "application/csv",
            "application/problem+xml", "application/ecmascript", "application/sql")
_FILENAME = re.compile(r"""filename\*?\s*=\s*(?:UTF-8''|"?)([^";]+)"?""", re.IGNORECASE)


FORMATS = ("auto", "json", "text", "document")


class Headers(dict):
    """Response headers keyed by the server's spelling, read case-insensitively: `get("location")`
    finds `Location`.  Iteration, JSON and outputs keep the server's names."""

    __slots__ = ("lower",)

    def __init__(self, entries: dict, lower: dict[str, str]):
        super().__init__(entries)
        self.lower = lower

    def _name(self, key):
        return self.lower.get(key.lower(), key) if isinstance(key, str) else key

    def get(self, key, default=None):
        return dict.get(self, self._name(key), default)

    def __getitem__(self, key):
        return dict.__getitem__(self, self._name(key))

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, self._name(key))

    def __reduce__(self):
        return dict, (dict(self),)


def response_format(value) -> tuple[str, str | None]:
    """The `responseFormat` field -> (format, charset or None).  An unknown format or charset is an
    INPUT_ERROR naming it."""
    if value is None:
        return "auto", None
    text = value.strip() if isinstance(value, str) else None
    head, _, rest = (text or "").partition(";")
    head = head.strip().lower()
    if text is None or head not in FORMATS:
        raise ConnectorError("INPUT_ERROR", f"responseFormat must be one of {', '.join(FORMATS)} "
                             f"(text may name a charset: \"text; charset=ISO-8859-1\"), not {value!r}",
                             field="responseFormat")
    charset = None
    if rest.strip():
        key, _, name = rest.strip().partition("=")
        charset = name.strip().strip('"')
        if head != "text" or key.strip().lower() != "charset" or not charset:
            raise ConnectorError("INPUT_ERROR", f"responseFormat: only text takes a charset "
                                 f"(\"text; charset=NAME\"), not {value!r}", field="responseFormat")
        try:
            codecs.lookup(charset)
        except LookupError:
            raise ConnectorError("INPUT_ERROR", f"responseFormat: unknown charset {charset!r}",
                                 field="responseFormat") from None
    return head, charset


def classify(mime: str, fmt: str = "auto") -> str:
    if fmt != "auto":
        return "binary" if fmt == "document" else fmt
    if not mime:
        return "unknown"
    if mime in ("application/json", "text/json") or mime.endswith("+json"):
        return "json"
    if mime.startswith(_TEXTUAL) or mime.endswith("+xml"):
        return "text"
    return "binary"


def filename_of(headers, url) -> str:
    disposition = headers.get("content-disposition") or ""
    match = _FILENAME.search(disposition)
    if match:
        return Path(unquote(match.group(1).strip())).name
    last = url.path.rstrip("/").rsplit("/", 1)[-1]
    return unquote(last) or "download"


class Collector:
    """Receives body chunks; holds small textual bodies in memory, spills the rest to a file."""

    __slots__ = ("max_bytes", "inline", "documents", "response", "size", "chunks", "file", "path",
                 "to_file")

    def __init__(self, *, max_bytes: int, inline: int, documents: Documents, response,
                 to_file: bool):
        self.max_bytes = max_bytes
        self.inline = inline
        self.documents = documents
        self.response = response
        self.size = 0
        self.chunks: list[bytes] = []
        self.file = None
        self.path: Path | None = None
        self.to_file = to_file

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            self.discard()
            raise ConnectorError("RESPONSE_TOO_LARGE", f"the response body exceeds responseMaxBytes "
                                 f"({self.max_bytes} bytes)", retryable=False)
        if self.file is None and (self.to_file or self.size > self.inline):
            self.path = self.documents.new_path(self.filename)
            self.file = open(self.path, "wb")  # noqa: SIM115 - closed in finish()/discard()
            for held in self.chunks:
                self.file.write(held)
            self.chunks = []
        if self.file is not None:
            self.file.write(chunk)
        else:
            self.chunks.append(chunk)

    def overflow(self, limit: int) -> ConnectorError:
        """The error for a body past the cap (seen while decoding); partial files removed."""
        self.discard()
        return ConnectorError("RESPONSE_TOO_LARGE", f"the response body exceeds responseMaxBytes "
                              f"({limit} bytes)", retryable=False)

    def undecodable(self, message: str) -> ConnectorError:
        self.discard()
        return ConnectorError("CONNECTION_ERROR", message, retryable=False)

    @property
    def filename(self) -> str:
        return filename_of(self.response.headers, self.response.url)

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None

    def finish(self) -> bytes | None:
        if self.file is not None:
            self.file.close()
            self.file = None
            return None
        return self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)


def body_chunks(response, collector: Collector):
    """The decoded body, decompressed in bounded steps and capped at responseMaxBytes as it
    streams (a gzip bomb stops at the cap, its memory a few chunks)."""
    return capped_chunks(response, collector.max_bytes, collector.overflow, collector.undecodable)


def abody_chunks(response, collector: Collector):
    return acapped_chunks(response, collector.max_bytes, collector.overflow, collector.undecodable)


def _decode(data: bytes, charset: str | None, warnings: list) -> str:
    try:
        return data.decode(charset or "utf-8", errors="replace")
    except LookupError:
        warnings.append(Warning("invalid-response-body", f"the response names an unknown charset "
                                f"{charset!r}; the body is read as UTF-8"))
        return data.decode("utf-8", errors="replace")


def parse_body(data: bytes, kind: str, charset: str | None, warnings: list, *, strict: bool = False):
    """Body bytes (held in memory) -> the FEEL value, per the rules above.  `strict` (responseFormat
    json): a body that is not JSON raises INVALID_RESPONSE instead of being kept as text."""
    if not data:
        return None
    if kind == "json":
        if charset is None or charset.lower().replace("-", "") == "utf8":
            try:  # bytes straight to the parser: it reads UTF-8 (and UTF-16/32 by their BOM)
                return json.loads(data, parse_float=Decimal)
            except (ValueError, UnicodeDecodeError, RecursionError):
                pass
        text = _decode(data, charset, warnings)
        try:
            return json.loads(text, parse_float=Decimal)
        except (ValueError, RecursionError) as exc:
            where = (f"{exc.msg} at position {exc.pos}" if isinstance(exc, json.JSONDecodeError)
                     else "nested too deeply" if isinstance(exc, RecursionError)
                     else "a number too long to read")
            if strict:
                raise ConnectorError("INVALID_RESPONSE", f"responseFormat is json, but the body is not "
                                     f"JSON: {where}") from None
            warnings.append(Warning("invalid-response-body", f"the response says JSON but is not "
                                    f"readable: {where}; the body is kept as text"))
            return text
    if kind == "text":
        return _decode(data, charset, warnings)
    # unknown: sniff
    try:
        text = data.decode(charset or "utf-8")
    except UnicodeDecodeError:
        return None
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text, parse_float=Decimal)
        except (ValueError, RecursionError):
            pass
    return text


def scan_headers(raw) -> tuple[dict, str, bool, int | None]:
    """One pass over the raw headers: the header context (see module doc), the Content-Type,
    whether a Content-Encoding applies, and the Content-Length (None if absent or bad)."""
    out: dict = {}
    names: dict[str, str] = {}
    content_type, encoded, length = "", False, None
    for key_bytes, value_bytes in raw:
        key = key_bytes.decode("latin-1")
        value = value_bytes.decode("latin-1")
        lower = key.lower()
        name = names.get(lower)
        if name is None:
            names[lower] = key
            out[key] = value
            if lower == "content-type":
                content_type = value
            elif lower == "content-length":
                length = int(value) if value.isdigit() else None
            elif lower == "content-encoding":
                encoded = value.strip().lower() not in ("", "identity")
        else:
            seen = out[name]
            if isinstance(seen, list):
                seen.append(value)
            else:
                out[name] = [seen, value]
    return Headers(out, names), content_type, encoded, length


def build_context(response, headers: dict, content_type: str, collector: Collector | None,
                  data: bytes | None, kind: str, warnings: list, documents: Documents,
                  fmt: tuple[str, str | None] = ("auto", None)) -> dict:
    document = None
    body = None
    if collector is not None and collector.path is not None:
        document = {"kind": "document", "path": str(collector.path), "size": collector.size,
                    "contentType": content_type or "application/octet-stream",
                    "filename": collector.filename}
    elif data and kind != "binary":
        charset = fmt[1] or (response.charset_encoding if "charset" in content_type.lower() else None)
        try:
            body = parse_body(data, kind, charset, warnings, strict=fmt[0] == "json")
        except ConnectorError as exc:
            exc.response = {"status": response.status_code, "reason": response.reason_phrase or "",
                            "headers": headers, "body": _decode(data, charset, []), "document": None}
            raise
        if body is None and kind == "unknown":  # not text after all: keep it as a document
            filename = filename_of(response.headers, response.url)
            path = documents.new_path(filename)
            path.write_bytes(data)
            document = {"kind": "document", "path": str(path), "size": len(data),
                        "contentType": "application/octet-stream", "filename": filename}
    return {"status": response.status_code, "reason": response.reason_phrase or "",
            "headers": headers, "body": body, "document": document}
