"""`AsyncPoolTransport`: httpx2's async transport interface on the urllib3 pool of
`fast_transport`, each exchange run on a small pool of worker threads, so many calls in flight
share a few connections' worth of work instead of contending in one event loop's pool."""
from __future__ import annotations

import asyncio
import contextvars
import ssl
from concurrent.futures import ThreadPoolExecutor

import httpx2

from .fast_transport import PoolTransport, needs_fallback, read_block, read_timeout, response_of

#: worker threads per async client: enough to overlap the server's work with ours; more only
#: adds GIL contention on a small machine (extra calls in flight wait in the queue)
WORKERS = 4


def _send(transport: PoolTransport, request: httpx2.Request, chunks):
    """In a worker: send, then read the first block (a small body arrives whole)."""
    response = transport.open(request, chunks)
    try:
        first = read_block(response, transport.clamp, read_timeout(request))
    except httpx2.TransportError:
        response.close()
        raise
    return response, first


def _finish(response) -> None:
    if not response.isclosed():  # unread bytes: the connection cannot be reused
        response.close()
    response.release_conn()


class AsyncResponseBody(httpx2.AsyncByteStream):
    def __init__(self, response, first: bytes, run, clamp, timeout):
        self._response, self._first, self._run = response, first, run
        self._clamp, self._timeout = clamp, timeout

    async def __aiter__(self):
        if self._first:
            yield self._first
            self._first = b""
        while self._response is not None and not self._response.isclosed():
            block = await self._run(read_block, self._response, self._clamp, self._timeout)
            if not block:
                break
            yield block

    async def aclose(self) -> None:
        response, self._response = self._response, None
        if response is not None:
            if response.isclosed():
                response.release_conn()
            else:
                await self._run(_finish, response)


def bridge(stream, loop):
    """An async request body read from a worker thread, one chunk at a time, on the loop."""
    chunks = stream.__aiter__()
    while True:
        try:
            chunk = asyncio.run_coroutine_threadsafe(chunks.__anext__(), loop).result()
        except StopAsyncIteration:
            return
        yield chunk


async def in_worker(workers, send, transport, request: httpx2.Request, finish):
    """Run `send(transport, request, chunks)` in a worker with the caller's context (the call's
    deadline...), an async request body fetched from the loop chunk by chunk; its result (an
    exchange and its first block) and `run(fn, *args)`, which runs more of it there.  A call
    cancelled while the worker holds its exchange has `finish(exchange)` run when it ends."""
    loop = asyncio.get_running_loop()
    chunks = None
    if not isinstance(request.stream, httpx2.SyncByteStream) and not hasattr(request.stream, "__iter__"):
        chunks = bridge(request.stream, loop)
    context = contextvars.copy_context()

    def run(fn, *args):
        return loop.run_in_executor(workers, context.run, fn, *args)
    future = run(send, transport, request, chunks)
    try:
        return await asyncio.shield(future), run
    except asyncio.CancelledError:
        def done(ended) -> None:
            if not ended.cancelled() and ended.exception() is None:
                finish(ended.result()[0])
        future.add_done_callback(done)
        raise


class AsyncPoolTransport(httpx2.AsyncBaseTransport):
    def __init__(self, *, verify: ssl.SSLContext | bool = True, limits: httpx2.Limits | None = None,
                 proxy: httpx2.Proxy | None = None, workers: int | None = None,
                 fallback: httpx2.AsyncBaseTransport | None = None, clamp=None, resolve=None):
        limits = limits or httpx2.Limits()
        self._sync = PoolTransport(verify=verify, limits=limits, proxy=proxy, clamp=clamp,
                                   resolve=resolve)
        self._workers = ThreadPoolExecutor(max_workers=workers or WORKERS, thread_name_prefix="feelish-http")
        context = verify if isinstance(verify, ssl.SSLContext) else httpx2.create_ssl_context(verify=verify)
        self.fallback = fallback or httpx2.AsyncHTTPTransport(verify=context, limits=limits, proxy=proxy)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if needs_fallback(request):
            return await self.fallback.handle_async_request(request)
        (response, first), run = await in_worker(self._workers, _send, self._sync, request,
                                                 _finish)
        return response_of(response, AsyncResponseBody(response, first, run, self._sync.clamp,
                                                       read_timeout(request)))

    async def aclose(self) -> None:
        self._workers.shutdown(wait=False)
        self._sync.close()
        await self.fallback.aclose()
