"""`AsyncCurlTransport`: httpx2's async transport interface on `CurlTransport`, each exchange run
on a few worker threads (curl releases the GIL while it waits and parses, so the threads overlap
the network's time with the event loop's work)."""
from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor

import httpx2

from .async_transport import bridge
from .curl_exchange import Slot
from .curl_transport import CurlTransport, response_of
from .fast_transport import needs_fallback, read_timeout

#: worker threads per async client: enough to keep several exchanges in flight; more only adds
#: GIL contention on a small machine (extra calls wait in the queue)
WORKERS = 4


def _send(transport: CurlTransport, request: httpx2.Request, chunks):
    """In a worker: send, then read the first block (a small body arrives whole)."""
    slot = transport.open(request, chunks)
    try:
        first = transport.read(slot, read_timeout(request))
    except BaseException:
        transport.release(slot)
        raise
    return slot, first


class AsyncCurlBody(httpx2.AsyncByteStream):
    def __init__(self, transport: CurlTransport, slot: Slot, first: bytes, run, timeout):
        self._transport, self._slot, self._first, self._run = transport, slot, first, run
        self._timeout = timeout

    async def __aiter__(self):
        if self._first:
            yield self._first
            self._first = b""
        while self._slot is not None:
            block = await self._run(self._transport.read, self._slot, self._timeout)
            if not block:
                break
            yield block

    async def aclose(self) -> None:
        slot, self._slot = self._slot, None
        if slot is not None:
            self._transport.release(slot)


class AsyncCurlTransport(httpx2.AsyncBaseTransport):
    def __init__(self, *, workers: int | None = None,
                 fallback: httpx2.AsyncBaseTransport | None = None, **options):
        self._sync = CurlTransport(fallback=_NoFallback(), **options)
        self._workers = ThreadPoolExecutor(max_workers=workers or WORKERS,
                                           thread_name_prefix="feelish-curl")
        self.fallback = fallback or httpx2.AsyncHTTPTransport(limits=options.get("limits"),
                                                              proxy=options.get("proxy"))

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if needs_fallback(request):
            return await self.fallback.handle_async_request(request)
        loop = asyncio.get_running_loop()
        chunks = None
        if not isinstance(request.stream, httpx2.SyncByteStream) and not hasattr(request.stream, "__iter__"):
            chunks = bridge(request.stream, loop)
        context = contextvars.copy_context()  # the call's context (deadline...) in the worker

        def run(fn, *args):
            return loop.run_in_executor(self._workers, context.run, fn, *args)
        future = run(_send, self._sync, request, chunks)
        try:
            slot, first = await asyncio.shield(future)
        except asyncio.CancelledError:
            future.add_done_callback(self._release_when_done)
            raise
        return response_of(slot, AsyncCurlBody(self._sync, slot, first, run, read_timeout(request)))

    def _release_when_done(self, future) -> None:
        """A cancelled call's exchange still ends in its worker: free its handle then."""
        if not future.cancelled() and future.exception() is None:
            self._sync.release(future.result()[0])

    async def aclose(self) -> None:
        self._workers.shutdown(wait=False)
        self._sync.close()
        await self.fallback.aclose()


class _NoFallback(httpx2.BaseTransport):
    """The async transport answers fallback requests itself (on httpx2's async transport)."""

    def handle_request(self, request):  # pragma: no cover - never reached
        raise RuntimeError("no sync fallback in an async client")
