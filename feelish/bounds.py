"""Bounds every connector call shares: its whole-call deadline (a context variable that the
network layer clamps each connect, read and write to) and the capped reading of a response body,
decompressed in bounded steps and counted as it streams (docs/security.md, "Limits")."""
from __future__ import annotations

import functools
import inspect
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: the most a token endpoint's answer may hold (decoded): a token is a few KiB at most
TOKEN_RESPONSE_MAX_BYTES = 1024 * 1024
#: decoded bytes produced per decompression step
_STEP = 64 * 1024

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("feelish_call_deadline", default=None)


@contextmanager
def call_deadline(seconds: float | None):
    """Bound everything inside (connects, token requests, retry waits, redirects, bodies) to
    `seconds` from now; None or 0: no whole-call limit.  Nested deadlines keep the earlier one."""
    if not seconds:
        yield
        return
    end = time.monotonic() + seconds
    outer = _deadline.get()
    token = _deadline.set((end, seconds) if outer is None or end < outer[0] else outer)
    try:
        yield
    finally:
        _deadline.reset(token)


def within_deadline(method):
    """Decorate `method(self, prepared, ...)`: it runs within `prepared.deadline` seconds (an
    async method is awaited inside).  A connector's send and token retrieval are such calls;
    with pagination, each page is one."""
    if inspect.iscoroutinefunction(method):
        @functools.wraps(method)
        async def bounded_async(self, prepared, *args):
            with call_deadline(prepared.deadline):
                return await method(self, prepared, *args)
        return bounded_async

    @functools.wraps(method)
    def bounded(self, prepared, *args):
        with call_deadline(prepared.deadline):
            return method(self, prepared, *args)
    return bounded


def remaining() -> float | None:
    """Seconds left before the current call's deadline (may be <= 0); None without one."""
    current = _deadline.get()
    return None if current is None else current[0] - time.monotonic()


def budget() -> float | None:
    """The current call's whole deadline in seconds, for messages; None without one."""
    current = _deadline.get()
    return None if current is None else current[1]


def expired() -> bool:
    left = remaining()
    return left is not None and left <= 0


def clamp(timeout: float | None) -> float | None:
    """`timeout` shortened to what is left of the deadline (<= 0 when it has passed)."""
    left = remaining()
    if left is None:
        return timeout
    return left if timeout is None or left < timeout else timeout


def _encoding(headers) -> str:
    return (headers.get("content-encoding") or "").strip().lower()


def _inflater(encoding: str) -> "_Inflater | None":
    """A decompressor for gzip / deflate, or None for anything else."""
    if encoding in ("gzip", "x-gzip"):
        return _Inflater(gzip=True)
    if encoding == "deflate":
        return _Inflater(gzip=False)
    return None


class _Inflater:
    """gzip (one member after another) or deflate as servers send it (zlib-wrapped or raw,
    told apart by the first bytes), decoded in steps of at most _STEP bytes."""

    def __init__(self, *, gzip: bool):
        self.gzip = gzip
        self._d = None
        self._done = False

    def _new(self, data: bytes):
        if self.gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] * 256 + data[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self._done:
            if self._d is None:
                self._d = self._new(data)
            out = self._d.decompress(data, _STEP)
            if out:
                yield out
            if self._d.eof:  # a gzip member ended: another may follow; deflate ignores the rest
                data, self._d = self._d.unused_data, None
                self._done = not self.gzip
                continue
            data = self._d.unconsumed_tail
            while not data and out and len(out) == _STEP:  # output still pending inside zlib
                out = self._d.decompress(b"", _STEP)
                if out:
                    yield out

    def flush(self) -> bytes:
        return self._d.flush() if self._d is not None else b""


class _Capped:
    """Counts decoded bytes, raising `too_large(limit)` past the cap."""

    __slots__ = ("limit", "too_large", "size")

    def __init__(self, limit: int, too_large: Callable[[int], Exception]):
        self.limit, self.too_large, self.size = limit, too_large, 0

    def count(self, chunk: bytes) -> bytes:
        self.size += len(chunk)
        if self.size > self.limit:
            raise self.too_large(self.limit)
        return chunk


def capped_chunks(response, limit: int, too_large: Callable[[int], Exception],
                  decoding_error: Callable[[str], Exception]) -> Iterator[bytes]:
    """The decoded body of a streamed httpx2 response, chunk by chunk, at most `limit` bytes."""
    cap = _Capped(limit, too_large)
    if response.is_stream_consumed:  # read already (a mock transport): its content, capped
        yield cap.count(response.content)
        return
    encoding = _encoding(response.headers)
    inflater = _inflater(encoding)
    if inflater is None and encoding not in ("", "identity"):
        for chunk in response.iter_bytes():  # br, zstd, stacked encodings: httpx2 decodes
            yield cap.count(chunk)
        return
    for raw in response.iter_raw():
        if inflater is None:
            yield cap.count(raw)
            continue
        yield from _decoded(inflater, raw, encoding, cap, decoding_error)
    if inflater is not None:
        yield from _decoded_end(inflater, cap, decoding_error)


async def acapped_chunks(response, limit: int, too_large: Callable[[int], Exception],
                         decoding_error: Callable[[str], Exception]) -> AsyncIterator[bytes]:
    """The async twin of `capped_chunks`."""
    cap = _Capped(limit, too_large)
    if response.is_stream_consumed:
        yield cap.count(response.content)
        return
    encoding = _encoding(response.headers)
    inflater = _inflater(encoding)
    if inflater is None and encoding not in ("", "identity"):
        async for chunk in response.aiter_bytes():
            yield cap.count(chunk)
        return
    async for raw in response.aiter_raw():
        if inflater is None:
            yield cap.count(raw)
            continue
        for chunk in _decoded(inflater, raw, encoding, cap, decoding_error):
            yield chunk
    if inflater is not None:
        for chunk in _decoded_end(inflater, cap, decoding_error):
            yield chunk


def _decoded(inflater, raw: bytes, encoding: str, cap: _Capped,
             decoding_error: Callable[[str], Exception]) -> Iterable[bytes]:
    try:
        for out in inflater.feed(raw):
            yield cap.count(out)
    except zlib.error as exc:
        raise decoding_error(f"the {encoding} body cannot be decoded ({exc})") from None


def _decoded_end(inflater, cap: _Capped, decoding_error: Callable[[str], Exception]) -> Iterable[bytes]:
    try:
        tail = inflater.flush()
    except zlib.error as exc:
        raise decoding_error(f"the compressed body cannot be decoded ({exc})") from None
    if tail:
        yield cap.count(tail)


def read_capped(response, limit: int, too_large: Callable[[int], Exception],
                decoding_error: Callable[[str], Exception]) -> bytes:
    return b"".join(capped_chunks(response, limit, too_large, decoding_error))


async def aread_capped(response, limit: int, too_large: Callable[[int], Exception],
                       decoding_error: Callable[[str], Exception]) -> bytes:
    return b"".join([chunk async for chunk in acapped_chunks(response, limit, too_large,
                                                              decoding_error)])
