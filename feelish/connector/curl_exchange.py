"""One HTTP/1.1 exchange on a reusable libcurl handle (pycurl): a `Handle` is an easy handle with
the state of its exchange (the response head checked against limits as it arrives, the body
buffered up to a bound, then the transfer held until it is read); a `Slot` drives one handle on
its own multi handle (whose connection cache keeps connections alive between exchanges) and
waits on curl's sockets with `poll`, so the caller decides how long each wait may last (read
timeout, the call's deadline) and reads the body as it arrives."""
from __future__ import annotations

import select
import time

import pycurl

#: what the curl transport needs: `poll` (not on Windows) and libcurl 7.77 or later (CA and
#: client certificates as PEM blobs); without them the runtime falls back to urllib3's pool
if not hasattr(select, "poll") or pycurl.version_info()[2] < 0x074D00:
    raise ImportError("the curl transport needs select.poll and libcurl >= 7.77")

#: http.client's bounds on a response head, kept: a hostile server cannot make us hold more
MAX_HEADERS = 100
MAX_LINE = 65536
#: a paused transfer holds at most this much unread body (curl hands data in <= 16 KiB pieces)
MAX_BUFFERED = 256 * 1024
_IN, _OUT = select.POLLIN | select.POLLPRI, select.POLLOUT
_MASKS = {pycurl.POLL_IN: _IN, pycurl.POLL_OUT: _OUT, pycurl.POLL_INOUT: _IN | _OUT}
_READY_IN = select.POLLIN | select.POLLPRI | select.POLLHUP | select.POLLERR
_READY_OUT = select.POLLOUT | select.POLLHUP | select.POLLERR


class ExchangeFailed(Exception):
    """An exchange ended in error: curl's code and message, or what a callback refused."""

    def __init__(self, code: int, text: str, cause: BaseException | None = None):
        super().__init__(text)
        self.code, self.cause = code, cause


class Handle:
    """A reusable curl easy handle plus the state of its current exchange; `notify()` runs when
    the head is complete, body bytes arrive or the exchange ends."""

    __slots__ = ("easy", "chunks", "buffered", "status", "reason", "headers", "head_done", "done",
                 "error", "_lines", "paused", "last", "host", "checked", "active", "notify",
                 "__weakref__")

    def __init__(self):
        self.easy = pycurl.Curl()
        self.easy.setopt(pycurl.WRITEFUNCTION, self._on_body)
        self.easy.setopt(pycurl.HEADERFUNCTION, self._on_header)
        self.host = ""
        self.active = False
        self.notify = None
        self.reset()

    def reset(self) -> None:
        self.chunks: list[bytes] = []
        self.buffered = 0
        self.status, self.reason, self.headers = 0, b"", []
        self.head_done = self.done = self.paused = False
        self.error: BaseException | None = None
        self.checked = False  # the host's addresses were checked for this exchange already
        self._lines = 0
        self.last = time.monotonic()

    # ------------------------------------------------------------------ curl's callbacks
    def _on_header(self, line: bytes):
        self.last = time.monotonic()
        if len(line) > MAX_LINE:
            return self.refuse(f"a response header line is longer than {MAX_LINE} bytes")
        if line[:5] == b"HTTP/":  # a status line: a new head (after a 1xx, or the only one)
            parts = line.split(None, 2)
            try:
                self.status = int(parts[1])
            except (IndexError, ValueError):
                return self.refuse("the response's status line is not valid")
            self.reason = parts[2].rstrip(b"\r\n") if len(parts) > 2 else b""
            self.headers, self._lines = [], 0
            return None
        if line in (b"\r\n", b"\n"):
            if self.status >= 200:
                self.head_done = True
                if self.notify is not None:
                    self.notify()
            return None
        self._lines += 1
        if self._lines > MAX_HEADERS:
            return self.refuse(f"the response has more than {MAX_HEADERS} headers")
        if line[:1] in (b" ", b"\t") and self.headers:  # an obsolete folded continuation
            name, value = self.headers[-1]
            self.headers[-1] = (name, value + b" " + line.strip())
            return None
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip():
            return self.refuse("the response has a header line that is not valid")
        self.headers.append((name, value.strip()))
        return None

    def _on_body(self, data: bytes):
        self.head_done = True
        self.last = time.monotonic()
        if self.buffered >= MAX_BUFFERED:  # the reader is behind: hold the transfer
            self.paused = True
            return pycurl.WRITEFUNC_PAUSE
        self.chunks.append(data)
        self.buffered += len(data)
        if self.notify is not None:
            self.notify()
        return None

    def refuse(self, text: str, cause: BaseException | None = None) -> int:
        """Abort the transfer from a callback, remembering why."""
        if self.error is None:
            self.error = ExchangeFailed(0, text, cause)
        return 0

    def take(self) -> bytes:
        """The buffered body bytes (resuming a transfer held for the reader)."""
        data = b"".join(self.chunks) if len(self.chunks) != 1 else self.chunks[0]
        self.chunks, self.buffered = [], 0
        if self.paused and not self.done:
            self.paused = False
            self.easy.pause(pycurl.PAUSE_CONT)
        return data

    def failed(self, code: int, text: str) -> None:
        """The exchange ended in curl error `code` (unless a callback's refusal explains it)."""
        if self.error is None:
            self.error = ExchangeFailed(code, text or f"curl error {code}")

    def connected(self) -> bool:
        """Whether the request is on its way (connecting, TLS included, is over)."""
        return self.easy.getinfo(pycurl.PRETRANSFER_TIME) > 0


class Slot(Handle):
    """A handle driven on its own multi handle (its connection cache), waiting with `poll`."""

    __slots__ = ("multi", "_poller", "_socks", "_expire")

    def __init__(self, max_connections: int):
        super().__init__()
        self.multi = pycurl.CurlMulti()
        self._poller = select.poll()
        self._socks: dict[int, int] = {}
        self._expire: float | None = None
        self.multi.setopt(pycurl.M_SOCKETFUNCTION, self._on_socket)
        self.multi.setopt(pycurl.M_TIMERFUNCTION, self._on_timer)
        self.multi.setopt(pycurl.M_MAXCONNECTS, max_connections)

    def _on_socket(self, what, fd, multi, data) -> None:
        if what == pycurl.POLL_REMOVE:
            if self._socks.pop(fd, None) is not None:
                self._poller.unregister(fd)
            return
        mask = _MASKS.get(what, 0)
        if fd in self._socks:
            self._poller.modify(fd, mask)
        else:
            self._poller.register(fd, mask)
        self._socks[fd] = mask

    def _on_timer(self, ms: int) -> None:
        self._expire = None if ms < 0 else time.monotonic() + ms / 1000

    def start(self) -> None:
        self.multi.add_handle(self.easy)
        self.active = True
        self._act(pycurl.SOCKET_TIMEOUT, 0)

    def step(self, wait: float | None) -> bool:
        """Wait at most `wait` seconds (None: curl's own timers only) for curl's sockets, then
        let curl work; True when something happened (a socket was ready or a timer ran)."""
        expire = self._expire
        if expire is not None:
            left = expire - time.monotonic()
            if left <= 0:
                self._expire = None
                self._act(pycurl.SOCKET_TIMEOUT, 0)
                return True
            wait = left if wait is None or left < wait else wait
        if not self._socks:  # nothing to watch yet (a name resolving): look again shortly
            time.sleep(0.005 if wait is None else min(wait, 0.005))
            self._act(pycurl.SOCKET_TIMEOUT, 0)
            return False
        events = self._poller.poll(None if wait is None else max(0, int(wait * 1000 + 0.999)))
        if not events:
            return False
        self.last = time.monotonic()
        for fd, ev in events:
            mask = 0
            if ev & _READY_IN:
                mask |= pycurl.CSELECT_IN
            if ev & _READY_OUT:
                mask |= pycurl.CSELECT_OUT
            if ev & (select.POLLERR | select.POLLNVAL):
                mask |= pycurl.CSELECT_ERR
            self._act(fd, mask)
            if self.done:
                break
        return True

    def _act(self, fd: int, mask: int) -> None:
        _, running = self.multi.socket_action(fd, mask)
        if running == 0 and not self.done:
            self._finish()

    def _finish(self) -> None:
        self.done = True
        _, _, failed = self.multi.info_read()
        self.multi.remove_handle(self.easy)
        self.active = False
        if failed:
            self.failed(*failed[0][1:])
        elif self.error is not None:
            self.error = None  # a callback's refusal that curl did not act on

    def stop(self) -> None:
        """End the exchange early (its connection is closed, not reused)."""
        self.done = True
        if self.active:
            self.active = False
            self.multi.remove_handle(self.easy)

    def close(self) -> None:
        self.stop()
        self.easy.close()
        self.multi.close()
