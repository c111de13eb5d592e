"""`CurlTransport`: httpx2's sync transport interface on libcurl (pycurl): HTTP/1.1 parsed in C,
the GIL released while curl waits and works, connections kept alive by curl.  httpx2 keeps auth,
redirects and decoding; this module moves bytes, waits at most the request's timeouts (each
shortened by `clamp`, e.g. to the call's deadline), checks every address curl connects to
against the destination policy, and maps curl's failures to httpx2's exceptions."""
from __future__ import annotations

import os
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pycurl

from ..errors import FeelishError
from .curl_exchange import ExchangeFailed, Slot
from .fast_transport import Clamp, needs_fallback, read_timeout, request_body
from .guard import DestinationPolicy, aresolve_address, resolve_address

#: failures to connect: no connection, no address, and the TLS handshake's (35 SSL_CONNECT_ERROR,
#: 58 SSL_CERTPROBLEM, 59 SSL_CIPHER, 60 PEER_FAILED_VERIFICATION, 66 SSL_ENGINE_INITFAILED,
#: 77 SSL_CACERT_BADFILE, 83 SSL_ISSUER_ERROR, 90 SSL_PINNEDPUBKEYNOTMATCH,
#: 91 SSL_INVALIDCERTSTATUS, 98 SSL_CLIENTCERT)
_CONNECT_ERRORS = {pycurl.E_COULDNT_CONNECT, pycurl.E_COULDNT_RESOLVE_HOST, 35, 58, 59, 60, 66, 77,
                   83, 90, 91, 98}
_PROXY_ERRORS = {pycurl.E_COULDNT_RESOLVE_PROXY, 97}


def default_ca() -> tuple[str | None, str | None]:
    """The CA file and folder httpx2 trusts by default (OpenSSL's compiled-in paths)."""
    paths = ssl.get_default_verify_paths()
    cafile = paths.cafile or (paths.openssl_cafile if os.path.isfile(paths.openssl_cafile) else None)
    capath = paths.capath or (paths.openssl_capath if os.path.isdir(paths.openssl_capath) else None)
    return cafile, capath


def _pem_or_file(blob_option: int, file_option: int, value: str) -> tuple[int, object]:
    return (blob_option, value.encode()) if "-----BEGIN" in value else (file_option, value)


def tls_options(verify: bool = True, ca: str | None = None, cert: str | None = None,
                key: str | None = None, key_password: str | None = None) -> list[tuple[int, object]]:
    """curl options for a connection's TLS: verification against the default CAs plus `ca`
    (PEM text or a file), and a client certificate (`cert`, `key`: PEM text or files)."""
    if not verify:
        options: list = [(pycurl.SSL_VERIFYPEER, 0), (pycurl.SSL_VERIFYHOST, 0)]
    else:
        cafile, capath = default_ca()
        options = [(pycurl.SSL_VERIFYPEER, 1), (pycurl.SSL_VERIFYHOST, 2)]
        if cafile:
            options.append((pycurl.CAINFO, cafile))
        if capath:
            options.append((pycurl.CAPATH, capath))
        if ca is not None:  # trusted next to the default ones, as in Python's ssl
            blob = ca.encode("latin-1") if "-----BEGIN" in ca else Path(ca).read_bytes()
            options.append((pycurl.CAINFO_BLOB, blob))
    if cert is not None:
        options.append(_pem_or_file(pycurl.SSLCERT_BLOB, pycurl.SSLCERT, cert))
        options.append(_pem_or_file(pycurl.SSLKEY_BLOB, pycurl.SSLKEY, key if key is not None else cert))
        if key_password is not None:
            options.append((pycurl.KEYPASSWD, key_password))
    return options


def map_error(exc: ExchangeFailed) -> Exception:
    """A failed exchange -> the httpx2 exception the executor maps to an error code (a
    callback's own failure, e.g. the destination policy's refusal, passes as it is)."""
    if exc.cause is not None:  # a callback's own failure: the policy's refusal, a body source's
        return exc.cause
    text, code = str(exc), exc.code
    if code == pycurl.E_OPERATION_TIMEDOUT:  # curl times only connecting (reads are timed here)
        return httpx2.ConnectTimeout(text)
    if code in _PROXY_ERRORS or "CONNECT tunnel" in text or "proxy" in text.lower():
        return httpx2.ProxyError(text)
    if code in _CONNECT_ERRORS:
        return httpx2.ConnectError(text)
    if code == pycurl.E_UNSUPPORTED_PROTOCOL:
        return httpx2.UnsupportedProtocol(text)
    if code == pycurl.E_URL_MALFORMAT:
        return httpx2.InvalidURL(text)
    if code == pycurl.E_SEND_ERROR:
        return httpx2.WriteError(text)
    if code == pycurl.E_RECV_ERROR:
        return httpx2.ReadError(text)
    return httpx2.RemoteProtocolError(text)


#: a request body up to this size is handed to curl whole; larger ones are read in pieces
_IN_ONE_GO = 64 * 1024


def read_timeout_of(timeouts: dict) -> float | None:
    """The read timeout of a request's timeouts (one wait covers sending the body and reading)."""
    read, write = timeouts.get("read"), timeouts.get("write")
    return max(read, write) if read is not None and write is not None else read


def header_lines(raw: list[tuple[bytes, bytes]]) -> list[bytes]:
    """The request's headers as curl takes them, and none of curl's own: no Expect (no
    100-continue round trip for large bodies), no Content-Type for a body the request types not.
    A name or value holding CR, LF or NUL is refused (it would split the request)."""
    # "Name;" is how curl sends a header with an empty value
    lines = [name + b": " + value if value else name + b";" for name, value in raw]
    joined = b"".join(lines)
    if b"\r" in joined or b"\n" in joined or b"\0" in joined:
        raise httpx2.LocalProtocolError("a request header holds a line break or NUL")
    names = {name.lower() for name, _ in raw}
    if b"expect" not in names:
        lines.append(b"Expect:")
    if b"content-type" not in names:
        lines.append(b"Content-Type:")
    return lines


class CurlTransport(httpx2.BaseTransport):
    """Reusable curl handles (each with its connections) shared by the threads of one client."""

    def __init__(self, *, tls: list | None = None, limits: httpx2.Limits | None = None,
                 proxy: httpx2.Proxy | None = None, fallback: httpx2.BaseTransport | None = None,
                 clamp: Clamp | None = None, policy: DestinationPolicy | None = None):
        """`tls`: from `tls_options`; `clamp(timeout)`: shortens every wait (<= 0: a timeout);
        `policy`: checks every address a connection goes to (the proxy's too)."""
        limits = limits or httpx2.Limits()
        self.clamp = clamp
        self.keep = limits.max_keepalive_connections or limits.max_connections or 10
        self._idle: list[Slot] = []
        self._lock = threading.Lock()
        self._policy = policy
        self._proxy_host = self._proxy_port = None
        self._options = [(pycurl.NOSIGNAL, 1), (pycurl.HTTP_VERSION, pycurl.CURL_HTTP_VERSION_1_1),
                         (pycurl.PATH_AS_IS, 1), (pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS),
                         (pycurl.PROXY, ""), (pycurl.FOLLOWLOCATION, 0), (pycurl.TCP_NODELAY, 1),
                         (265, 1)]  # CURLOPT_SUPPRESS_CONNECT_HEADERS: the proxy's answer is not ours
        self._options += tls if tls is not None else tls_options()
        if proxy is not None:
            url = proxy.url
            self._proxy_host = url.host
            self._proxy_port = url.port or (443 if url.scheme == "https" else 80)
            self._options.append((pycurl.PROXY, str(url.copy_with(username=None, password=None))))
            if proxy.raw_auth is not None:
                user, password = proxy.raw_auth
                self._options += [(pycurl.PROXYUSERNAME, user), (pycurl.PROXYPASSWORD, password)]
            self._options.append((pycurl.HTTPPROXYTUNNEL, 0))  # curl tunnels https by itself
            if url.scheme == "https":  # the proxy's certificate: the default CAs, as httpx2
                cafile, capath = default_ca()
                self._options += [(option, value) for option, value in
                                  ((pycurl.PROXY_CAINFO, cafile), (pycurl.PROXY_CAPATH, capath))
                                  if value]
        if fallback is None:
            fallback = httpx2.HTTPTransport(limits=limits, proxy=proxy)
        #: httpx2's own transport for what this one does not do (see `needs_fallback`)
        self.fallback = fallback

    # ------------------------------------------------------------------ handles
    def _slot(self) -> Slot:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self.configure(Slot(self.keep))

    def configure(self, handle):
        """Set this transport's options (TLS, proxy, policy...) on a new handle."""
        easy = handle.easy
        for option, value in self._options:
            easy.setopt(option, value)
        if self._policy is not None:
            easy.setopt(pycurl.OPENSOCKETFUNCTION,
                        lambda purpose, address, h=handle: self._open(h, address))
        return handle

    def release(self, slot: Slot) -> None:
        slot.stop()
        slot.reset()
        with self._lock:
            if len(self._idle) < self.keep:
                self._idle.append(slot)
                return
        slot.close()

    def _open(self, slot: Slot, address):
        """curl's socket for a new connection: only to an address the policy allows (and only
        for a host whose addresses are all allowed, resolved here unless checked before)."""
        family, socktype, protocol, addr = address
        host = self._proxy_host or slot.host
        try:
            if not slot.checked:
                self._policy.check(host, resolve_address(host, addr[1]))
            if not self._policy.host_allowed(host):
                self._policy.check(host, [addr[0]])
            return socket.socket(family, socktype, protocol)
        except FeelishError as exc:  # the policy's refusal, as it is
            slot.refuse(str(exc), exc)
        except Exception as exc:  # noqa: BLE001 - curl must not see a Python exception
            slot.refuse(str(exc), httpx2.ConnectError(str(exc) or exc.__class__.__name__))
        return pycurl.SOCKET_BAD

    @property
    def has_policy(self) -> bool:
        """Whether a destination policy checks the hosts of this transport's connections."""
        return self._policy is not None

    async def check_host(self, handle, url: httpx2.URL) -> None:
        """With a policy, resolve (on the loop, without blocking it) and check the addresses of
        the host a connection for `url` goes to, before curl may open one."""
        if self._policy is None:
            return
        host = self._proxy_host or url.host
        port = self._proxy_port or url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses = await aresolve_address(host, port)
        except Exception as exc:  # noqa: BLE001 - a name that cannot be resolved
            raise httpx2.ConnectError(str(exc) or exc.__class__.__name__) from None
        self._policy.check(host, addresses)
        handle.checked = True

    # ------------------------------------------------------------------ one exchange
    def open(self, request: httpx2.Request, chunks=None) -> Slot:
        """Send `request` (its body from `chunks` when given) and wait for the response's head;
        the slot, its body still unread."""
        body, chunked = request_body(request, chunks)
        length = -1
        if body is not None and not isinstance(body, bytes) and not chunked:
            length = int(request.headers.get("content-length", -1))
        return self.exchange(request.method, request.url, header_lines(request.headers.raw),
                             body, length, request.extensions.get("timeout") or {})

    def exchange(self, method: str, url: httpx2.URL, lines: list[bytes], body, length: int,
                 timeouts: dict) -> Slot:
        """Send a request (`lines` from `header_lines`; `body`: None, bytes or an iterable of
        chunks of `length` bytes, -1 when unknown) and wait for the response's head."""
        slot = self._slot()
        try:
            self.prepare(slot, method, url, lines, body, length, timeouts)
            slot.start()
            self.wait(slot, read_timeout_of(timeouts), head=True)
        except BaseException:
            self.release(slot)
            raise
        return slot

    def prepare(self, slot, method: str, url: httpx2.URL, lines, body, length, timeouts) -> None:
        """Set a handle's options for one request (see `exchange`)."""
        easy = slot.easy
        slot.host = url.host
        port = f":{url.port}" if url.port else ""
        host = f"[{url.host}]" if ":" in url.host else url.host
        easy.setopt(pycurl.URL, f"{url.scheme}://{host}{port}{url.raw_path.decode('ascii')}")
        easy.setopt(pycurl.HTTPGET, 1)
        easy.setopt(pycurl.CUSTOMREQUEST, method)
        if method == "HEAD":
            easy.setopt(pycurl.NOBODY, 1)
        elif isinstance(body, bytes) and len(body) <= _IN_ONE_GO:
            easy.setopt(pycurl.POSTFIELDSIZE_LARGE, len(body))
            easy.setopt(pycurl.POSTFIELDS, body)
        elif body is not None:
            if isinstance(body, bytes):  # larger: in pieces, each one counted as progress
                body, length = (body,), len(body)
            easy.setopt(pycurl.UPLOAD, 1)
            easy.setopt(pycurl.READFUNCTION, _reader(iter(body), slot))
            easy.setopt(pycurl.INFILESIZE_LARGE, length)
        easy.setopt(pycurl.HTTPHEADER, lines)
        connect = timeouts.get("connect")
        if self.clamp is not None:
            connect = self._left(self.clamp(connect), httpx2.ConnectTimeout)
        easy.setopt(pycurl.CONNECTTIMEOUT_MS, 0 if connect is None else max(1, int(connect * 1000)))

    @staticmethod
    def _left(value: float | None, exc_type) -> float | None:
        if value is not None and value <= 0:
            raise exc_type("the call's deadline has passed")
        return value

    def wait(self, slot: Slot, timeout: float | None, head: bool = False) -> None:
        """Let curl work until the head arrived (`head`) or body bytes are buffered or the
        exchange ended; each wait is bounded by `timeout` since the last activity and by the
        call's deadline (a server that drips bytes cannot outlast it)."""
        while not (slot.head_done if head else slot.chunks) and not slot.done:
            slot.step(self.wait_time(slot, timeout))
        if slot.error is not None and (slot.done or not slot.chunks):
            error = slot.error
            if isinstance(error, ExchangeFailed):
                raise map_error(error) from None
            raise error

    def wait_time(self, handle, timeout: float | None) -> float | None:
        """How long the next wait for `handle` may last: `timeout` since its last activity, and
        no later than the call's deadline; ReadTimeout when that time has passed."""
        clamp = self.clamp
        wait = timeout
        if timeout is not None:
            wait = handle.last + timeout - time.monotonic()
        if clamp is not None:
            wait = clamp(wait)
        if wait is not None and wait <= 0:
            if not handle.connected() and timeout is not None and not _past_deadline(clamp):
                return 0.05  # still connecting: curl's connect timeout decides
            raise httpx2.ReadTimeout("the server sent nothing in time")
        return wait

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if needs_fallback(request):
            return self.fallback.handle_request(request)
        slot = self.open(request)
        return response_of(slot, CurlBody(self, slot, read_timeout(request)))

    def read(self, slot: Slot, timeout: float | None) -> bytes:
        """The next body bytes as they arrive (b"" at the end)."""
        if not slot.chunks and not slot.done:
            self.wait(slot, timeout)
        if slot.chunks:
            return slot.take()
        if slot.error is not None:
            raise map_error(slot.error) if isinstance(slot.error, ExchangeFailed) else slot.error
        return b""

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for slot in idle:
            slot.close()
        self.fallback.close()


def _past_deadline(clamp) -> bool:
    left = clamp(None) if clamp is not None else None
    return left is not None and left <= 0


def _reader(chunks: Iterator[bytes], slot: Slot):
    """curl's READFUNCTION over an iterator of chunks (each handed out in pieces curl asks for)."""
    pending = [b""]

    def read(size: int):
        try:
            while not pending[0]:
                pending[0] = next(chunks)
                if isinstance(pending[0], str):
                    pending[0] = pending[0].encode()
        except StopIteration:
            return b""
        except Exception as exc:  # noqa: BLE001 - a failing body source ends the transfer
            slot.refuse(f"the request body could not be read: {exc.__class__.__name__}", exc)
            return pycurl.READFUNC_ABORT
        out, pending[0] = pending[0][:size], pending[0][size:]
        slot.last = time.monotonic()
        return out
    return read


def response_of(slot: Slot, stream) -> httpx2.Response:
    """An httpx2 response over a slot's head (status, headers as sent, reason)."""
    return httpx2.Response(slot.status, headers=slot.headers, stream=stream,
                           extensions={"http_version": b"HTTP/1.1", "reason_phrase": slot.reason})


class CurlBody(httpx2.SyncByteStream):
    """The response's bytes as they arrive (undecoded: httpx2 decodes), errors mapped."""

    def __init__(self, transport: CurlTransport, slot: Slot, timeout: float | None):
        self._transport, self._slot, self._timeout = transport, slot, timeout

    def __iter__(self) -> Iterator[bytes]:
        while self._slot is not None:
            block = self._transport.read(self._slot, self._timeout)
            if not block:
                return
            yield block

    def close(self) -> None:
        slot, self._slot = self._slot, None
        if slot is not None:
            self._transport.release(slot)
