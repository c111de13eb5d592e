"""Request bodies: the body value and the Content-Type decide what goes on the wire (JSON, a form,
multipart parts, text as written, or a file streamed from disk)."""
from __future__ import annotations

import base64
import codecs
import datetime as _dt
import json
import mimetypes
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from ..errors import ConnectorError
from ..language.values import YearsMonthsDuration
from ..language.codec import feel_string
from ..language.wide import WIDE_TYPES
from .documents import open_regular
from .urls import scalar_text

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
OCTETS = "application/octet-stream"
CHUNK = 64 * 1024


@dataclass(slots=True)
class Body:
    """What to send. Exactly one of content / path / parts is set (or none: no body)."""

    content: bytes | None = None
    path: Path | None = None
    parts: tuple[dict, list] | None = None   # (data, files) for multipart
    content_type: str | None = None
    kind: str = "none"                       # none, json, text, form, multipart, bytes, file
    preview: Any = None                      # what a dry run shows
    size: int | None = None
    opened: list = field(default_factory=list)


def is_document(value) -> bool:
    return isinstance(value, Mapping) and value.get("kind") == "document" and "path" in value


def mime_of(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def check_charset(charset) -> str:
    if charset is None:
        return "utf-8"
    name = str(charset)
    try:
        codecs.lookup(name)
    except LookupError:
        raise ConnectorError("INPUT_ERROR", f"unknown charset {name!r}", field="charset") from None
    return name


# ----------------------------------------------------------------------------- JSON


def _jsonable(value, drop_nulls: bool, files, exact: list):
    """FEEL value -> JSON-ready Python; Decimals become int / float / exact text tokens."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            raise _unwritable(f"an integer of {value.bit_length()} bits")
        return value
    if isinstance(value, Decimal):
        if not value.is_finite() or not -_MAX_DIGITS < value.adjusted() < _MAX_DIGITS:
            raise _unwritable(str(value) if value.is_finite() else f"Decimal('{value}')")
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        if Decimal(repr(as_float)) == value:
            return as_float
        exact.append(True)
        return _ExactNumber(value)
    if isinstance(value, float):
        if value != value or value in (_INF, -_INF):
            raise _unwritable(repr(value))
        return value
    if isinstance(value, Mapping):
        if is_document(value):
            return base64.b64encode(files.read(value)).decode("ascii")
        return {str(k): _jsonable(v, drop_nulls, files, exact) for k, v in value.items()
                if not (drop_nulls and v is None)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, drop_nulls, files, exact) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, _ISO_TEXT):  # wide ones too: years beyond 1..9999, nanoseconds
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return feel_string(value)
    if isinstance(value, YearsMonthsDuration):
        return str(value)
    raise ConnectorError("INPUT_ERROR", f"the body holds a {type(value).__name__}, which has no "
                         "JSON form", field="body")


_ISO_TEXT = (_dt.date, _dt.time, *WIDE_TYPES)

#: numbers JSON text can carry here: at most ~4000 digits either side of the point (Python's own
#: int/str conversion stops at 4300 digits; most JSON readers far sooner)
_MAX_DIGITS = 4000
_MAX_INT_BITS = 13_000  # about 3900 decimal digits
_INF = float("inf")


def _unwritable(what: str) -> ConnectorError:
    return ConnectorError("INPUT_ERROR", f"the body holds a number JSON cannot carry: {what[:40]} "
                          f"(not finite, or more than {_MAX_DIGITS} digits)", field="body")


class _ExactNumber(float):
    """A Decimal that a float cannot hold exactly; written as its own digits."""

    def __new__(cls, value: Decimal):
        obj = super().__new__(cls, float(value))
        obj.text = format(value, "f")
        return obj


def _exact_chunks(value):
    if isinstance(value, _ExactNumber):
        yield value.text
    elif isinstance(value, dict):
        yield "{"
        for i, (k, v) in enumerate(value.items()):
            yield ("," if i else "") + json.dumps(k, ensure_ascii=False) + ":"
            yield from _exact_chunks(v)
        yield "}"
    elif isinstance(value, list):
        yield "["
        for i, v in enumerate(value):
            if i:
                yield ","
            yield from _exact_chunks(v)
        yield "]"
    else:
        yield json.dumps(value, ensure_ascii=False)


def json_bytes(value, *, drop_nulls: bool = False, files=None) -> bytes:
    exact: list = []
    data = _jsonable(value, drop_nulls, files, exact)
    if exact:
        text = "".join(_exact_chunks(data))
    else:
        text = _COMPACT.encode(data)
    return text.encode("utf-8")


#: one encoder for every body (json.dumps with options builds a new encoder per call)
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


# ----------------------------------------------------------------------------- forms


def _form_bytes(value: Mapping, charset: str, drop_nulls: bool) -> bytes:
    pieces = []
    for key, item in value.items():
        for one in item if isinstance(item, (list, tuple)) else (item,):
            name = quote_plus(str(key), encoding=charset)
            if one is None:
                if not drop_nulls:
                    pieces.append(name)
                continue
            text = scalar_text(one, "body", f"form field {key!r}")
            pieces.append(f"{name}={quote_plus(text, encoding=charset)}")
    return "&".join(pieces).encode("ascii")


def _multipart(value: Mapping, files, drop_nulls: bool) -> tuple[dict, list]:
    data: dict[str, list[str]] = {}
    parts: list = []
    for key, item in value.items():
        for one in item if isinstance(item, (list, tuple)) else (item,):
            if one is None:
                continue
            if is_document(one) or isinstance(one, Path):
                files.check(one)  # refused here, so a dry run refuses what the run would
                parts.append((str(key), one))
            elif isinstance(one, (bytes, bytearray)):
                parts.append((str(key), one))
            else:
                data.setdefault(str(key), []).append(scalar_text(one, "body", f"form part {key!r}"))
    return data, parts


# ----------------------------------------------------------------------------- entry point


def build_body(value, content_type: str | None, charset: str | None, *, drop_nulls: bool,
               files) -> Body:
    """Encode the body value; `content_type` is the one the user gave (or None)."""
    if value is None:
        return Body()
    enc = check_charset(charset)
    mime = mime_of(content_type)
    if isinstance(value, (bytes, bytearray)):
        return Body(content=bytes(value), content_type=content_type or OCTETS, kind="bytes",
                    preview=f"<{len(value)} bytes>", size=len(value))
    if isinstance(value, Path) or is_document(value):
        path = files.check(value)
        given = value.get("contentType") if isinstance(value, Mapping) else None
        guessed = given or mimetypes.guess_type(path.name)[0] or OCTETS
        size = path.stat().st_size
        return Body(path=path, content_type=content_type or guessed, kind="file",
                    preview=f"<file {path.name}, {size} bytes>", size=size)
    if mime == FORM and isinstance(value, Mapping):
        data = _form_bytes(value, enc, drop_nulls)
        return Body(content=data, content_type=content_type, kind="form", preview=data.decode("ascii"),
                    size=len(data))
    if mime == MULTIPART:
        if not isinstance(value, Mapping):
            raise ConnectorError("INPUT_ERROR", "a multipart/form-data body must be a context of "
                                 "part name: value", field="body")
        data, parts = _multipart(value, files, drop_nulls)
        keep = content_type if "boundary=" in content_type.lower() else None
        preview = {**data, **{k: f"<file {_part_name(v)}>" for k, v in parts}}
        if not parts:  # text parts only: encode here (httpx2 would send them url-encoded)
            boundary = _boundary(keep) or uuid.uuid4().hex
            blob = _text_multipart(data, boundary, enc)
            return Body(content=blob, content_type=keep or f"{MULTIPART}; boundary={boundary}",
                        kind="multipart", preview=preview, size=len(blob))
        return Body(parts=(data, parts), content_type=keep, kind="multipart", preview=preview)
    if isinstance(value, str):
        data = value.encode(enc)
        if content_type is None:
            stripped = value.lstrip()
            content_type = JSON if stripped[:1] in ("{", "[") and _is_json(value) else \
                f"text/plain; charset={enc.upper() if enc == 'utf-8' else enc}"
        return Body(content=data, content_type=content_type, kind="text", preview=value,
                    size=len(data))
    if mime in ("", JSON) or mime.endswith("+json"):
        data = json_bytes(value, drop_nulls=drop_nulls, files=files)
        return Body(content=data, content_type=content_type or JSON, kind="json",
                    preview=data.decode("utf-8"), size=len(data))
    if isinstance(value, (Mapping, list, tuple)):
        raise ConnectorError("INPUT_ERROR", f"a {'context' if isinstance(value, Mapping) else 'list'}"
                             f" body cannot be sent as {mime}; give a string, or a JSON, form or "
                             "multipart Content-Type", field="body")
    text = scalar_text(value, "body", "the body")
    data = text.encode(enc)
    return Body(content=data, content_type=content_type, kind="text", preview=text, size=len(data))


def _boundary(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary":
            return value.strip('"')
    return None


def _text_multipart(data: dict, boundary: str, charset: str) -> bytes:
    out = []
    for name, values in data.items():
        quoted = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        for value in values:
            out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{quoted}"\r\n\r\n'
                       .encode(charset) + value.encode(charset) + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(out)


def _part_name(value) -> str:
    if isinstance(value, Path):
        return value.name
    if isinstance(value, Mapping):
        return str(value.get("filename") or Path(str(value["path"])).name)
    return "bytes"


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def multipart_files(parts: list, files) -> tuple[list, list]:
    """httpx2 `files=` entries for the file parts, and the handles to close after sending."""
    out, opened = [], []
    for name, value in parts:
        if isinstance(value, (bytes, bytearray)):
            out.append((name, ("blob", bytes(value), OCTETS)))
            continue
        path = files.check(value)
        ctype = (value.get("contentType") if isinstance(value, Mapping) else None) \
            or mimetypes.guess_type(path.name)[0] or OCTETS
        handle = open_regular(path)  # closed by the executor after the attempt
        opened.append(handle)
        out.append((name, (_part_name(value), handle, ctype)))
    return out, opened


def file_chunks(path: Path):
    with open_regular(path) as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


async def afile_chunks(path: Path):
    with open_regular(path) as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
