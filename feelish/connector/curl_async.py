"""`AsyncCurlTransport`: httpx2's async transport interface on curl.  A request whose body is in
memory (or absent) runs on the event loop (`curl_loop`: one multi handle, no thread hand-off);
one streaming an async body runs on `CurlTransport` in a few worker threads, its chunks fetched
from the loop."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx2

from .async_transport import in_worker
from .curl_loop import Blocks, LoopMulti
from .curl_transport import CurlTransport, header_lines, response_of
from .fast_transport import needs_fallback, read_timeout, request_body

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


class AsyncCurlTransport(httpx2.AsyncBaseTransport):
    def __init__(self, *, workers: int | None = None,
                 fallback: httpx2.AsyncBaseTransport | None = None, **options):
        self._sync = CurlTransport(fallback=_NoFallback(), **options)
        self._max_total = (options.get("limits") or httpx2.Limits()).max_connections or 100
        self._multi: LoopMulti | None = None
        self._workers: ThreadPoolExecutor | None = None
        self._worker_count = workers or WORKERS
        self.fallback = fallback or httpx2.AsyncHTTPTransport(
            limits=options.get("limits") or httpx2.Limits(), proxy=options.get("proxy"))

    def loop_multi(self) -> LoopMulti:
        """The multi handle on the running loop (made on first use)."""
        multi = self._multi
        if multi is None:
            multi = self._multi = LoopMulti(self._sync, asyncio.get_running_loop(), self._max_total)
        return multi

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if needs_fallback(request):
            return await self.fallback.handle_async_request(request)
        body, chunked = request_body(request, ())
        if body is None or isinstance(body, bytes):  # in memory: on the loop
            multi = self.loop_multi()
            timeouts = request.extensions.get("timeout") or {}
            handle = await multi.exchange(request.method, request.url,
                                          header_lines(request.headers.raw), body, -1, timeouts)
            return response_of(handle, Blocks(multi.read, multi.release, handle,
                                              read_timeout(request)))
        return await self._in_worker(request)

    async def _in_worker(self, request: httpx2.Request) -> httpx2.Response:
        if self._workers is None:
            self._workers = ThreadPoolExecutor(max_workers=self._worker_count,
                                               thread_name_prefix="feelish-curl")
        (slot, first), run = await in_worker(self._workers, _send, self._sync, request,
                                             self._sync.release)

        async def read(slot_, timeout):
            return await run(self._sync.read, slot_, timeout)
        return response_of(slot, Blocks(read, self._sync.release, slot, read_timeout(request), first))

    async def aclose(self) -> None:
        if self._workers is not None:
            self._workers.shutdown(wait=False)
        if self._multi is not None:
            self._multi.close()
            self._multi = None
        self._sync.close()
        await self.fallback.aclose()


class _NoFallback(httpx2.BaseTransport):
    """The async transport answers fallback requests itself (on httpx2's async transport)."""

    def handle_request(self, request):  # pragma: no cover - never reached
        raise RuntimeError("no sync fallback in an async client")
