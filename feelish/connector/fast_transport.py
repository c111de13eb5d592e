"""`PoolTransport`: httpx2's sync transport interface on urllib3's connection pool (fewer layers
per call than httpcore2 + h11); httpx2 keeps auth, redirects, cookies and decoding, this module
only moves bytes, honours the request's timeouts (each shortened by an optional `clamp`, e.g. to
a call's deadline) and maps urllib3's failures to httpx2's."""
from __future__ import annotations

import http.client
import ssl
from collections.abc import Callable, Iterator

import httpx2
import urllib3
from urllib3 import exceptions as u3
from urllib3.util import Timeout, make_headers

from .pool_connections import pool_classes

CHUNK = 65536
#: what urllib3 and the socket layer raise; anything else (a policy's refusal) passes as it is
FAILURES = (u3.HTTPError, OSError, http.client.HTTPException)
Clamp = Callable[[float | None], float | None]


def needs_fallback(request: httpx2.Request) -> bool:
    """Requests sent by httpx2's own transport: a verbatim target (skipEncoding), which httpcore2
    sends as is (urllib3 percent-encodes what a target may not hold)."""
    return "target" in request.extensions


def map_error(exc: Exception) -> httpx2.TransportError:
    """A urllib3 (or socket) failure -> the httpx2 exception the executor maps to an error code."""
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, u3.ProxyError):
        return httpx2.ProxyError(text)
    if isinstance(exc, (u3.NewConnectionError, u3.SSLError)):  # NewConnectionError: a timeout subclass
        return httpx2.ConnectError(text)
    if isinstance(exc, u3.ConnectTimeoutError):
        return httpx2.ConnectTimeout(text)
    if isinstance(exc, (u3.ReadTimeoutError, TimeoutError)):
        return httpx2.ReadTimeout(text)
    if isinstance(exc, u3.LocationParseError):
        return httpx2.InvalidURL(text)
    if isinstance(exc, (u3.ProtocolError, u3.DecodeError, u3.HTTPError)):
        return httpx2.RemoteProtocolError(text)
    if isinstance(exc, ssl.SSLError):
        return httpx2.ConnectError(text)
    return httpx2.ReadError(text)


def _left(value: float | None, exc_type) -> float | None:
    if value is not None and value <= 0:
        raise exc_type("the call's deadline has passed")
    return value


def read_timeout(request: httpx2.Request) -> float | None:
    t = request.extensions.get("timeout") or {}
    read, write = t.get("read"), t.get("write")
    if read is not None and write is not None:
        read = max(read, write)  # one socket timeout covers sending the body and reading
    return read


def _timeout(request: httpx2.Request, clamp: Clamp | None) -> Timeout:
    connect = (request.extensions.get("timeout") or {}).get("connect")
    read = read_timeout(request)
    if clamp is not None:
        connect = _left(clamp(connect), httpx2.ConnectTimeout)
        read = _left(clamp(read), httpx2.ReadTimeout)
    return Timeout(connect=connect, read=read)


def read_block(response, clamp: Clamp | None, timeout: float | None) -> bytes:
    """The next bytes of the body as they arrive (b"" at the end); with `clamp`, each read waits
    at most what is left of it, so a server sending a byte at a time cannot outlast a deadline."""
    try:
        if clamp is not None:
            left = _left(clamp(timeout), httpx2.ReadTimeout)
            connection = response.connection
            if connection is not None and connection.sock is not None:
                connection.sock.settimeout(left)
        return response.read1(CHUNK, decode_content=False)
    except FAILURES as exc:
        raise map_error(exc) from exc


def _headers(raw) -> dict | urllib3.HTTPHeaderDict:
    out: dict = {}
    for name, value in raw:
        key = name.decode("latin-1")
        if key in out:  # a repeated name: keep every value
            many = urllib3.HTTPHeaderDict()
            for n, v in raw:
                many.add(n.decode("latin-1"), v.decode("latin-1"))
            return many
        out[key] = value.decode("latin-1")
    return out


def request_body(request: httpx2.Request, chunks=None):
    """(body, chunked): bytes when the content is in memory, else the stream's chunks; None
    when the request frames no body (httpx2 sets Content-Length or Transfer-Encoding for one)."""
    chunked = False
    for name, _ in request.headers.raw:
        name = name.lower()
        if name == b"transfer-encoding":
            chunked = True
            break
        if name == b"content-length":
            break
    else:
        return None, False
    try:
        return request.content, chunked
    except httpx2.RequestNotRead:
        return (iter(request.stream) if chunks is None else chunks), chunked


def response_of(response, stream) -> httpx2.Response:
    """An httpx2 response over a urllib3 one (status, headers as sent, reason)."""
    return httpx2.Response(response.status, headers=list(response.headers.iteritems()), stream=stream,
                           extensions={"http_version": b"HTTP/1.1",
                                       "reason_phrase": (response.reason or "").encode("latin-1")})


class ResponseBody(httpx2.SyncByteStream):
    """The response's bytes as they arrive (undecoded: httpx2 decodes), errors mapped."""

    def __init__(self, response, clamp: Clamp | None = None, timeout: float | None = None):
        self._response, self._clamp, self._timeout = response, clamp, timeout

    def __iter__(self) -> Iterator[bytes]:
        while self._response is not None:
            block = read_block(self._response, self._clamp, self._timeout)
            if not block:
                return
            yield block

    def close(self) -> None:
        response, self._response = self._response, None
        if response is not None:
            if not response.isclosed():  # unread bytes: the connection cannot be reused
                response.close()
            response.release_conn()


class PoolTransport(httpx2.BaseTransport):
    """One urllib3 PoolManager (or ProxyManager, tunnelling HTTPS with CONNECT) per transport."""

    def __init__(self, *, verify: ssl.SSLContext | bool = True, limits: httpx2.Limits | None = None,
                 proxy: httpx2.Proxy | None = None, fallback: httpx2.BaseTransport | None = None,
                 clamp: Clamp | None = None, resolve=None):
        """`clamp(timeout)`: shortens every connect and read timeout (<= 0: fail with a timeout);
        `resolve(host, port)`: the addresses a connection may go to (may raise to refuse)."""
        limits = limits or httpx2.Limits()
        self.clamp = clamp
        keep = limits.max_keepalive_connections or limits.max_connections or 10
        context = verify if isinstance(verify, ssl.SSLContext) else httpx2.create_ssl_context(verify=verify)
        options = {"num_pools": 32, "maxsize": keep, "block": False, "retries": False,
                   "ssl_context": context}
        self._forward = False
        self._pools: dict = {}
        #: httpx2's own transport for what this one does not do (see `needs_fallback`)
        self.fallback = fallback or httpx2.HTTPTransport(verify=context, limits=limits, proxy=proxy)
        if proxy is None:
            self._pool = urllib3.PoolManager(**options)
        else:
            headers = {}
            if proxy.raw_auth is not None:
                user, password = proxy.raw_auth
                headers = make_headers(proxy_basic_auth=f"{user.decode('latin-1')}:"
                                                        f"{password.decode('latin-1')}")
            self._pool = urllib3.ProxyManager(str(proxy.url), proxy_headers=headers,
                                              proxy_ssl_context=proxy.ssl_context, **options)
            self._forward = True
        self._pool.pool_classes_by_scheme = pool_classes(resolve)

    def open(self, request: httpx2.Request, chunks=None):
        """Send `request` (its body from `chunks` when given); the urllib3 response, unread."""
        url = request.url
        target = url.raw_path
        body, chunked = request_body(request, chunks)
        headers = _headers(request.headers.raw)
        try:
            origin = (url.scheme, url.host, url.port)
            pool = self._pools.get(origin)
            if pool is None:
                if len(self._pools) > 64:
                    self._pools.clear()
                pool = self._pools[origin] = self._pool.connection_from_host(url.host, url.port,
                                                                             url.scheme)
            if self._forward and url.scheme == "http":  # a forward proxy wants the absolute URL
                path = str(url.copy_with(raw_path=target))
                headers = {**self._pool.proxy_headers, **headers}
            else:
                path = target.decode("ascii")
            return pool.urlopen(request.method, path, body=body, headers=headers,
                                redirect=False, retries=False, timeout=_timeout(request, self.clamp),
                                preload_content=False, decode_content=False, chunked=chunked,
                                assert_same_host=False, release_conn=False)
        except FAILURES as exc:
            raise map_error(exc) from exc

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if needs_fallback(request):
            return self.fallback.handle_request(request)
        response = self.open(request)
        return response_of(response, ResponseBody(response, self.clamp, read_timeout(request)))

    def close(self) -> None:
        self._pools.clear()
        self._pool.clear()
        self.fallback.close()
