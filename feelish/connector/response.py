"""The response context `{status, reason, headers, body, document}`: headers grouped
case-insensitively, the body decoded by its Content-Type, binary or large bodies written to a
document, too large ones refused."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

from ..errors import ConnectorError, Warning
from .documents import Documents

_TEXTUAL = ("text/", "application/xml", "application/javascript", "application/x-www-form-urlencoded",
            "application/yaml", "application/x-yaml", "application/graphql", "application/csv",
            "application/problem+xml", "application/ecmascript", "application/sql")
_FILENAME = re.compile(r"""filename\*?\s*=\s*(?:UTF-8''|"?)([^";]+)"?""", re.IGNORECASE)


def classify(mime: str) -> str:
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


def parse_body(data: bytes, kind: str, charset: str | None, warnings: list):
    """Body bytes (held in memory) -> the FEEL value, per the rules above."""
    if not data:
        return None
    if kind == "json":
        if charset is None or charset.lower().replace("-", "") == "utf8":
            try:  # bytes straight to the parser: it reads UTF-8 (and UTF-16/32 by their BOM)
                return json.loads(data, parse_float=Decimal)
            except (ValueError, UnicodeDecodeError):
                pass
        text = data.decode(charset or "utf-8", errors="replace")
        try:
            return json.loads(text, parse_float=Decimal)
        except ValueError as exc:
            warnings.append(Warning("invalid-response-body", f"the response says JSON but is not: "
                                    f"{exc.msg} at position {exc.pos}; the body is kept as text"))
            return text
    if kind == "text":
        return data.decode(charset or "utf-8", errors="replace")
    # unknown: sniff
    try:
        text = data.decode(charset or "utf-8")
    except UnicodeDecodeError:
        return None
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text, parse_float=Decimal)
        except ValueError:
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
    return out, content_type, encoded, length


def build_context(response, headers: dict, content_type: str, collector: Collector | None,
                  data: bytes | None, kind: str, warnings: list, documents: Documents) -> dict:
    document = None
    body = None
    if collector is not None and collector.path is not None:
        document = {"kind": "document", "path": str(collector.path), "size": collector.size,
                    "contentType": content_type or "application/octet-stream",
                    "filename": collector.filename}
    elif data and kind != "binary":
        charset = response.charset_encoding if "charset" in content_type.lower() else None
        body = parse_body(data, kind, charset, warnings)
        if body is None and kind == "unknown":  # not text after all: keep it as a document
            filename = filename_of(response.headers, response.url)
            path = documents.new_path(filename)
            path.write_bytes(data)
            document = {"kind": "document", "path": str(path), "size": len(data),
                        "contentType": "application/octet-stream", "filename": filename}
    return {"status": response.status_code, "reason": response.reason_phrase or "",
            "headers": headers, "body": body, "document": document}
