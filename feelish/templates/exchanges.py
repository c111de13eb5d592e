"""HTTP exchanges of saved test cases as plain JSON data: a transport that records what a live
call sent and received, one that replays recorded responses with no network, and the runtimes that
use them."""
from __future__ import annotations

import base64
import threading
from typing import Any
from urllib.parse import unquote_plus

import httpx2

from ..connector import Runtime
from ..language.codec import from_json_text, json_text
from ..connector.transport import TransportKey, client_kwargs

#: response headers not kept: the body is stored decoded, and these change on every call
_DROPPED_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "date", "connection",
                    "keep-alive"}
#: bodies recorded (and compared on replay) only for these request content types
_TEXT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/")
#: the largest response body a recording keeps
MAX_RECORDED_BYTES = 4 * 1024 * 1024


class UnexpectedRequest(Exception):
    """A replayed call sent a request the case did not record (or a different one)."""


def _raw_headers(headers: httpx2.Headers) -> list[tuple[str, str]]:
    """The headers as received: names keep their case (`multi_items()` lowers them)."""
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw]


def _headers(headers: httpx2.Headers) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in _raw_headers(headers):
        if name.lower() in _DROPPED_HEADERS:
            continue
        if name in out:
            out[name] = [*out[name], value] if isinstance(out[name], list) else [out[name], value]
        else:
            out[name] = value
    return out


def _is_text_type(content_type: str | None) -> bool:
    mime = (content_type or "").split(";")[0].strip().lower()
    return mime.endswith("+json") or any(mime.startswith(t) for t in _TEXT_TYPES)


def response_data(response: httpx2.Response, content: bytes) -> dict[str, Any]:
    data: dict[str, Any] = {"status": response.status_code, "reason": response.reason_phrase,
                            "headers": _headers(response.headers)}
    ctype = response.headers.get("content-type", "")
    if not content:
        return data
    if _is_text_type(ctype):
        try:
            text = content.decode(response.encoding or "utf-8")
        except (UnicodeDecodeError, LookupError):
            text = None
        if text is not None:
            mime = ctype.split(";")[0].strip().lower()
            if mime == "application/json" or mime.endswith("+json"):
                try:
                    data["body"] = from_json_text(text)
                    return data
                except ValueError:
                    pass
            data["body"] = text
            return data
    data["bodyBase64"] = base64.b64encode(content).decode("ascii")
    return data


def response_content(data: dict[str, Any]) -> bytes:
    if "bodyBase64" in data:
        return base64.b64decode(data["bodyBase64"])
    body = data.get("body")
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    return json_text(body).encode("utf-8")  # numbers exactly as recorded


def build_response(data: dict[str, Any], request: httpx2.Request) -> httpx2.Response:
    """The response a recorded exchange stands for: what the recording run and every replay see."""
    headers = []
    for name, value in (data.get("headers") or {}).items():
        for one in value if isinstance(value, list) else [value]:
            headers.append((str(name), str(one)))
    reason = str(data.get("reason") or "").encode("ascii", "replace")
    # a stream, not `content=`: no Content-Length is made up (a redacted body has another length)
    return httpx2.Response(int(data.get("status", 200)), headers=headers,
                           stream=httpx2.ByteStream(response_content(data)), request=request,
                           extensions={"reason_phrase": reason} if reason else {})


def request_data(request: httpx2.Request) -> dict[str, Any]:
    data: dict[str, Any] = {"method": request.method, "url": str(request.url)}
    ctype = request.headers.get("content-type")
    if request.content and _is_text_type(ctype):
        try:
            data["body"] = request.content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return data


def same_request(recorded: dict[str, Any], sent: dict[str, Any]) -> str | None:
    """None when the sent request is the recorded one (method, URL, text body; escapes ignored),
    else what differs."""
    for key in ("method", "url", "body"):
        if key not in recorded:
            continue
        want, got = recorded.get(key), sent.get(key)
        if key != "method":
            want, got = unquote_plus(str(want)), unquote_plus(str(got))
        if want != got:
            return f"{key}: recorded {want!r}, sent {got!r}"
    return None


class RecordingTransport(httpx2.BaseTransport):
    """Sends through the real transport and keeps each exchange (request and whole response)."""

    def __init__(self, inner: httpx2.BaseTransport, log: list[dict[str, Any]]):
        self.inner, self.log = inner, log

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()  # a streamed upload is sent from memory, so it can be recorded
        response = self.inner.handle_request(request)
        try:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_RECORDED_BYTES:
                    raise UnexpectedRequest(f"the response to {request.method} {request.url.path} is larger "
                                            f"than {MAX_RECORDED_BYTES} bytes: too large to record")
                chunks.append(chunk)
        finally:
            response.close()
        exchange = {"request": request_data(request), "response": response_data(response, b"".join(chunks))}
        self.log.append(exchange)
        return build_response(exchange["response"], request)  # the live call sees what replays will

    def close(self) -> None:
        self.inner.close()


class ReplayTransport(httpx2.BaseTransport):
    """Answers each request with the next recorded response; nothing leaves the process."""

    def __init__(self, exchanges: list[dict[str, Any]]):
        self.exchanges = exchanges
        self.sent: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        with self._lock:
            index = len(self.sent)
            sent = request_data(request)
            self.sent.append(sent)
        if index >= len(self.exchanges):
            raise UnexpectedRequest(f"request {index + 1} ({request.method} {request.url}) was not recorded: "
                                    f"the case has {len(self.exchanges)} exchange(s)")
        exchange = self.exchanges[index]
        problem = same_request(exchange.get("request") or {}, sent)
        if problem is not None:
            raise UnexpectedRequest(f"request {index + 1} differs from the recording: {problem}")
        return build_response(exchange.get("response") or {}, request)


class _TransportRuntime(Runtime):
    """A runtime whose sync clients send through `wrap(real transport)`."""

    def __init__(self, wrap, **kwargs):
        super().__init__(trust_env=False, **kwargs)
        self._wrap = wrap
        self._own: dict[TransportKey, httpx2.Client] = {}

    def client(self, key: TransportKey | None = None) -> httpx2.Client:
        key = key or self.default_key
        client = self._own.get(key)
        if client is None:
            kwargs = client_kwargs(key, self.limits)
            transport = httpx2.HTTPTransport(**kwargs.pop("transport_args"))
            kwargs.pop("mounts", None)  # recordings and replays go direct, never through a proxy
            client = self._own[key] = httpx2.Client(transport=self._wrap(transport), **kwargs)
        return client

    def close(self) -> None:
        for client in self._own.values():
            client.close()
        self._own.clear()
        super().close()


def recording_runtime(log: list[dict[str, Any]], **kwargs) -> Runtime:
    return _TransportRuntime(lambda inner: RecordingTransport(inner, log), **kwargs)


def replay_runtime(transport: ReplayTransport, **kwargs) -> Runtime:
    return _TransportRuntime(lambda inner: (inner.close(), transport)[1], **kwargs)
