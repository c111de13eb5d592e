"""curl on the event loop: one multi handle per async transport (its connection cache shared by
every call in flight) whose sockets are watched by the running loop (`add_reader`/`add_writer`)
and whose timers are loop timers, so many calls share one thread and no worker hand-off.  Each
wait for a head or body bytes is bounded by the read timeout and the call's deadline."""
from __future__ import annotations

import asyncio
import collections

import httpx2
import pycurl

from .curl_exchange import ExchangeFailed, Handle
from .curl_transport import CurlTransport, map_error, read_timeout_of

_WANTS_IN = (pycurl.POLL_IN, pycurl.POLL_INOUT)
_WANTS_OUT = (pycurl.POLL_OUT, pycurl.POLL_INOUT)


class LoopHandle(Handle):
    """A handle whose waiting coroutine is woken by curl's callbacks."""

    __slots__ = ("waiter", "held")

    def __init__(self):
        super().__init__()
        self.waiter: asyncio.Future | None = None
        self.held = False  # holds one of the multi's connection places
        self.notify = self.wake

    def wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


def _expire(waiter: asyncio.Future, value=None) -> None:
    if not waiter.done():
        waiter.set_result(value)


class Places:
    """A count of free places with a queue of calls waiting for one (first come, first served),
    each wait bounded by a loop timer (cheaper than `asyncio.wait_for`, which adds a task)."""

    def __init__(self, free: int):
        self.free = free
        self.waiting: collections.deque[asyncio.Future] = collections.deque()

    async def take(self, loop: asyncio.AbstractEventLoop, wait: float | None) -> bool:
        """True once a place is ours; False when `wait` seconds passed first."""
        if self.free > 0 and not self.waiting:
            self.free -= 1
            return True
        if wait is not None and wait <= 0:
            return False
        turn = loop.create_future()
        self.waiting.append(turn)
        timer = None if wait is None else loop.call_later(wait, _expire, turn, False)
        try:
            return await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled() and turn.result():
                self.give()  # handed a place just as the call was given up: pass it on
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def give(self) -> None:
        """A place is free: the longest-waiting call takes it, or it is counted free."""
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():
                turn.set_result(True)
                return
        self.free += 1


class LoopMulti:
    """The multi handle of one async transport on its event loop."""

    def __init__(self, transport: CurlTransport, loop: asyncio.AbstractEventLoop, max_total: int):
        self.loop, self._transport = loop, transport
        self.multi = pycurl.CurlMulti()
        self.multi.setopt(pycurl.M_SOCKETFUNCTION, self._on_socket)
        self.multi.setopt(pycurl.M_TIMERFUNCTION, self._on_timer)
        # the cache counts connections in use: as many as may be open, or calls in flight churn them
        self.multi.setopt(pycurl.M_MAXCONNECTS, max(max_total, transport.keep))
        self.multi.setopt(pycurl.M_MAX_TOTAL_CONNECTIONS, max_total)
        #: calls past the connection limit wait here, not in curl's pending queue (which looks
        #: for a connection again on every change, each time through the whole cache)
        self._places = Places(max_total)
        self._fds: dict[int, int] = {}
        self._timer: asyncio.TimerHandle | asyncio.Handle | None = None
        self._running: dict = {}  # easy -> LoopHandle
        self._idle: list[LoopHandle] = []
        self._keep_idle = max(max_total, transport.keep)  # handles of calls in flight, reused

    # ------------------------------------------------------------------ curl's callbacks
    def _on_socket(self, what, fd, multi, data) -> None:
        old = self._fds.get(fd)
        loop = self.loop
        if old in _WANTS_IN and what not in _WANTS_IN:
            loop.remove_reader(fd)
        if old in _WANTS_OUT and what not in _WANTS_OUT:
            loop.remove_writer(fd)
        if what == pycurl.POLL_REMOVE:
            self._fds.pop(fd, None)
            return
        if what in _WANTS_IN and old not in _WANTS_IN:
            loop.add_reader(fd, self._act, fd, pycurl.CSELECT_IN)
        if what in _WANTS_OUT and old not in _WANTS_OUT:
            loop.add_writer(fd, self._act, fd, pycurl.CSELECT_OUT)
        self._fds[fd] = what

    def _on_timer(self, ms: int) -> None:
        timer = self._timer
        if ms < 0:
            if timer is not None:
                timer.cancel()
                self._timer = None
            return
        loop = self.loop
        if timer is not None:
            due = getattr(timer, "when", None)
            if due is not None and due() <= loop.time() + ms / 1000:
                return  # an earlier wake-up is set: curl asks again then (early is harmless)
            timer.cancel()
        if ms == 0:
            self._timer = loop.call_soon(self._act, pycurl.SOCKET_TIMEOUT, 0)
        else:
            self._timer = loop.call_later(ms / 1000, self._act, pycurl.SOCKET_TIMEOUT, 0)

    def _act(self, fd: int, mask: int) -> None:
        if fd == pycurl.SOCKET_TIMEOUT:
            self._timer = None
        self.multi.socket_action(fd, mask)
        while True:
            queued, ok, failed = self.multi.info_read()
            for easy in ok:
                self._done(easy, None)
            for easy, code, text in failed:
                self._done(easy, (code, text))
            if not queued:
                return

    def _done(self, easy, failure) -> None:
        handle = self._running.pop(easy, None)
        if handle is None:
            return
        self.multi.remove_handle(easy)
        handle.active, handle.done = False, True
        if failure is not None:
            handle.failed(*failure)
        elif handle.error is not None:
            handle.error = None  # a callback's refusal that curl did not act on
        handle.wake()

    # ------------------------------------------------------------------ exchanges
    async def exchange(self, method: str, url: httpx2.URL, lines: list[bytes], body, length: int,
                       timeouts: dict) -> LoopHandle:
        """Send a request (see `CurlTransport.exchange`) and wait for the response's head."""
        places = self._places
        if places.free > 0 and not places.waiting:  # a free place: no coroutine to await
            places.free -= 1
        else:
            await self._place(timeouts)
        handle = self._idle.pop() if self._idle else self._transport.configure(LoopHandle())
        handle.held = True
        try:
            if self._transport.has_policy:  # without a policy there is nothing to resolve
                await self._transport.check_host(handle, url)
            self._transport.prepare(handle, method, url, lines, body, length, timeouts)
            self.multi.add_handle(handle.easy)
            handle.active = True
            self._running[handle.easy] = handle
            await self.wait(handle, read_timeout_of(timeouts), head=True)
        except BaseException:
            self.release(handle)
            raise
        return handle

    async def _place(self, timeouts: dict) -> None:
        """One of the connection places; waiting for one is bounded by the pool timeout and the
        call's deadline (httpx2's PoolTimeout)."""
        wait = timeouts.get("pool")
        if self._transport.clamp is not None:
            wait = self._transport.clamp(wait)
        if not await self._places.take(self.loop, wait):
            raise httpx2.PoolTimeout("no free connection in time")

    async def wait(self, handle: LoopHandle, timeout: float | None, head: bool = False) -> None:
        clamp, loop = self._transport.clamp, self.loop
        while not (handle.head_done if head else handle.chunks) and not handle.done:
            wait = self._transport.wait_time(handle, timeout)
            waiter = handle.waiter = loop.create_future()
            timer = None if wait is None else loop.call_later(wait, _expire, waiter)
            try:
                await waiter
            finally:
                handle.waiter = None
                if timer is not None:
                    timer.cancel()
        if handle.error is not None and (handle.done or not handle.chunks):
            error = handle.error
            raise map_error(error) if isinstance(error, ExchangeFailed) else error

    async def read_all(self, handle: LoopHandle, timeout: float | None) -> bytes:
        """The rest of the body: `read` until b"" in one coroutine."""
        parts = []
        while True:
            if not handle.chunks and not handle.done:
                await self.wait(handle, timeout)
            if not handle.chunks:
                return b"".join(parts)
            parts.append(handle.take())

    async def read(self, handle: LoopHandle, timeout: float | None) -> bytes:
        """The next body bytes as they arrive (b"" at the end)."""
        if not handle.chunks and not handle.done:
            await self.wait(handle, timeout)
        if handle.chunks:
            return handle.take()
        return b""

    def release(self, handle: LoopHandle) -> None:
        """The exchange is over (or given up: its connection is closed): the handle is free."""
        if handle.active:
            self._running.pop(handle.easy, None)
            self.multi.remove_handle(handle.easy)
            handle.active = False
        if handle.held:
            handle.held = False
            self._places.give()
        handle.reset()
        if len(self._idle) < self._keep_idle:
            self._idle.append(handle)
        else:
            handle.easy.close()

    def close(self) -> None:
        for handle in list(self._running.values()):
            self.release(handle)
        for handle in self._idle:
            handle.easy.close()
        self._idle = []
        if self._timer is not None:
            self._timer.cancel()
        for fd, what in list(self._fds.items()):
            if what in _WANTS_IN:
                self.loop.remove_reader(fd)
            if what in _WANTS_OUT:
                self.loop.remove_writer(fd)
        self._fds.clear()
        self.multi.close()


class Blocks(httpx2.AsyncByteStream):
    """A response's bytes as they arrive (undecoded: httpx2 decodes): `await read(handle,
    timeout)` gives each block (b"" at the end), `release(handle)` ends the exchange; `first`,
    a block read already."""

    def __init__(self, read, release, handle, timeout: float | None, first: bytes = b""):
        self._read, self._release, self._handle = read, release, handle
        self._timeout, self._first = timeout, first

    async def __aiter__(self):
        if self._first:
            yield self._first
            self._first = b""
        while self._handle is not None:
            block = await self._read(self._handle, self._timeout)
            if not block:
                return
            yield block

    async def aclose(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            self._release(handle)
