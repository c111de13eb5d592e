"""The direct path of a plain call on the curl transport: no authentication flow, no redirect
to follow, a body in memory (or none).  The request goes from the prepared call to curl with the
headers httpx2's `Request` would add (Host, Content-Length), skipping httpx2's client layers
(auth, redirects, cookies, hooks: none of which such a call uses); the response is read by the
executor as it reads an httpx2 response (status, reason, raw headers, undecoded body blocks)."""
from __future__ import annotations

import logging

import httpx2

from .curl_async import AsyncCurlTransport
from .curl_loop import Blocks
from .curl_transport import CurlBody, CurlTransport, header_lines, read_timeout_of
from .request import Prepared

#: httpx2's own logger: the direct path logs each request as httpx2's client does (the
#: connector's log filter masks secrets in it, see `model.URL_LOGGERS`)
_log = logging.getLogger("httpx2")
_EMPTY_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "QUERY"})


def usable(p: Prepared, auth) -> bool:
    """Whether the call can take the direct path (see the module docstring)."""
    return auth is None and not p.follow_redirects and p.target is None \
        and p.body.kind not in ("multipart", "file")


def request_lines(p: Prepared) -> tuple[list[bytes], bytes | None]:
    """The header lines and body of `p`, as httpx2's `Request(method, url, headers, content)`
    frames them: Host first (unless given), Content-Length: 0 for an empty POST/PUT/PATCH,
    the given headers in order, then Content-Length of a body."""
    body = p.body.content
    raw: list[tuple[bytes, bytes]] = []
    given = set()
    for name, value in p.headers:
        name_b = name.encode("ascii") if isinstance(name, str) else name
        value_b = value.encode("ascii") if isinstance(value, str) else value
        given.add(name_b.lower())
        raw.append((name_b, value_b))
    auto = []
    if b"host" not in given:
        auto.append((b"Host", p.url.netloc))
    framed = b"content-length" in given or b"transfer-encoding" in given
    if body and not framed:
        raw.append((b"Content-Length", str(len(body)).encode("ascii")))
        framed = True
    elif not framed and p.method in _EMPTY_BODY_METHODS:
        auto.append((b"Content-Length", b"0"))
        framed = True
    lines = header_lines(auto + raw if auto else raw)
    return lines, (body or b"") if framed else None


class DirectResponse:
    """A response on the direct path: what the executor reads (status, reason, raw headers, the
    body's blocks); anything else from an httpx2 `Response` built when first asked for."""

    __slots__ = ("status_code", "reason_phrase", "raw_headers", "url", "_slot", "_transport",
                 "_timeout", "_model", "_method")
    is_stream_consumed = False
    body_stream = CurlBody

    def __init__(self, transport, slot, p: Prepared, timeout: float | None):
        self.status_code = slot.status
        self.reason_phrase = slot.reason.decode("latin-1")
        self.raw_headers = slot.headers
        self.url = p.url
        self._slot, self._transport, self._timeout = slot, transport, timeout
        self._model: httpx2.Response | None = None
        self._method = p.method

    def model(self) -> httpx2.Response:
        """An httpx2 response over the same exchange (decoding, charset, headers)."""
        if self._model is None:
            slot, self._slot = self._slot, None
            body = self.body_stream(self._transport, slot, self._timeout) if slot is not None else None
            self._model = response_of_direct(self, body)
        return self._model

    @property
    def headers(self) -> httpx2.Headers:
        return self.model().headers if self._model is not None else httpx2.Headers(self.raw_headers)

    @property
    def charset_encoding(self) -> str | None:
        return httpx2.Response(self.status_code, headers=self.raw_headers).charset_encoding

    def iter_raw(self):
        slot = self._slot
        while slot is not None:
            block = self._transport.read(slot, self._timeout)
            if not block:
                return
            yield block

    def iter_bytes(self):
        """The body decoded by httpx2 (an encoding `feelish.bounds` does not decode itself)."""
        return self.model().iter_bytes()

    def read(self) -> bytes:
        return b"".join(self.iter_raw())

    def close(self) -> None:
        if self._model is not None:
            self._model.close()
        slot, self._slot = self._slot, None
        if slot is not None:
            self._transport.release(slot)


class AsyncDirectResponse(DirectResponse):
    """A response on the async direct path (the body read on the event loop)."""

    __slots__ = ()

    @staticmethod
    def body_stream(multi, handle, timeout):
        return Blocks(multi.read, multi.release, handle, timeout)

    async def aiter_raw(self):
        slot = self._slot
        while slot is not None:
            block = await self._transport.read(slot, self._timeout)
            if not block:
                return
            yield block

    def aiter_bytes(self):
        return self.model().aiter_bytes()

    async def aread(self) -> bytes:
        slot = self._slot
        return b"" if slot is None else await self._transport.read_all(slot, self._timeout)

    async def aclose(self) -> None:
        if self._model is not None:
            await self._model.aclose()
        slot, self._slot = self._slot, None
        if slot is not None:
            self._transport.release(slot)


def response_of_direct(response: DirectResponse, body) -> httpx2.Response:
    model = httpx2.Response(response.status_code, headers=response.raw_headers,
                            stream=body or httpx2.ByteStream(b""),
                            request=httpx2.Request(response._method, response.url),
                            extensions={"http_version": b"HTTP/1.1",
                                        "reason_phrase": response.reason_phrase.encode("latin-1")})
    return model


def _logged(response: DirectResponse, p: Prepared) -> DirectResponse:
    if _log.isEnabledFor(logging.INFO):
        _log.info('HTTP Request: %s %s "%s %d %s"', p.method, p.url, "HTTP/1.1",
                  response.status_code, response.reason_phrase)
    return response


def send(transport: CurlTransport, p: Prepared) -> DirectResponse:
    """Send the prepared call on `transport`; its response, the body unread."""
    lines, body = request_lines(p)
    timeouts = p.extensions.get("timeout") or {}
    slot = transport.exchange(p.method, p.url, lines, body, -1, timeouts)
    return _logged(DirectResponse(transport, slot, p, read_timeout_of(timeouts)), p)


async def asend(transport: AsyncCurlTransport, p: Prepared) -> AsyncDirectResponse:
    """The async twin of `send`, on the transport's multi handle on the running loop."""
    lines, body = request_lines(p)
    timeouts = p.extensions.get("timeout") or {}
    multi = transport.loop_multi()
    handle = await multi.exchange(p.method, p.url, lines, body, -1, timeouts)
    return _logged(AsyncDirectResponse(multi, handle, p, read_timeout_of(timeouts)), p)


__all__ = ["AsyncDirectResponse", "DirectResponse", "asend", "request_lines", "send", "usable"]
