"""Rate limits per host or per credential (requests per second, concurrent calls) and the pause of
a host after `429` with `Retry-After`, applied in the transport (`LimitedTransport`) so every
request on the wire counts; the state lives in a `LocalStore` (this process) or in Redis
(`rate_limits_redis`) for every worker (docs/connector.md; docs/internals.md, "Rate limits")."""
from __future__ import annotations

import asyncio
import math
import threading
import time
import uuid
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import httpx2

from ..errors import ConnectorError
from .retry import parse_retry_after

#: the request extension naming the runtime credential a call uses (set when the request is built)
CREDENTIAL_EXTENSION = "feelish.credential"


#: seconds a call may wait for its turn (or out a pause) before it fails with RATE_LIMITED
DEFAULT_MAX_WAIT = 60.0


@dataclass(frozen=True, slots=True)
class RateLimit:
    per_second: float | None = None
    concurrent: int | None = None
    burst: int = 1
    max_wait: float = DEFAULT_MAX_WAIT

    @property
    def interval(self) -> float | None:
        return None if not self.per_second else 1.0 / self.per_second


_NAMES = {"perSecond": "per_second", "per_second": "per_second", "concurrent": "concurrent",
          "burst": "burst", "maxWait": "max_wait", "max_wait": "max_wait"}


def _rule(key: str, value: Any) -> RateLimit:
    if isinstance(value, RateLimit):
        return value
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"rate limit {key!r}: expected a mapping with perSecond and/or concurrent")
    args: dict[str, Any] = {}
    for name, number in value.items():
        if name not in _NAMES:
            raise ValueError(f"rate limit {key!r}: unknown setting {name!r} "
                             "(perSecond, concurrent, burst, maxWait)")
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number <= 0 \
                or not math.isfinite(number):
            raise ValueError(f"rate limit {key!r}: {name} must be a positive number")
        args[_NAMES[name]] = number
    for whole in ("concurrent", "burst"):
        if whole in args and args[whole] != int(args[whole]):
            raise ValueError(f"rate limit {key!r}: {whole} must be a whole number")
        if whole in args:
            args[whole] = int(args[whole])
    if "per_second" not in args and "concurrent" not in args:
        raise ValueError(f"rate limit {key!r}: give perSecond and/or concurrent")
    return RateLimit(**args)


def parse_limits(limits: Mapping[str, Any] | None) -> dict[str, RateLimit]:
    """`{key: {perSecond, concurrent, burst, maxWait} | RateLimit}` checked; keys lower-cased."""
    return {str(key).strip().lower(): _rule(str(key), value) for key, value in (limits or {}).items()}


class LocalStore:
    """Limiter state in this process (thread-safe): rate slots, concurrency leases, pauses."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._holders: dict[str, dict[str, float]] = {}
        self._paused: dict[str, float] = {}

    def admit(self, pause_key: str, rates: list[tuple[str, float, int]], max_wait: float):
        """("paused", s) without reserving; ("refused", s); or ("go", s): a reserved slot in s seconds."""
        now = time.monotonic()
        with self._lock:
            until = self._paused.get(pause_key, 0.0)
            if until > now:
                return "paused", until - now
            plan = []
            worst = 0.0
            for key, interval, burst in rates:
                tat = max(self._next.get(key, now), now)
                wait = max(0.0, tat - now - (burst - 1) * interval)
                worst = max(worst, wait)
                plan.append((key, tat + interval))
            if worst > max_wait:
                return "refused", worst
            self._next.update(plan)
            return "go", worst

    def acquire(self, key: str, holder: str, limit: int, lease: float) -> bool:
        now = time.monotonic()
        with self._lock:
            holders = self._holders.setdefault(key, {})
            for name in [n for n, end in holders.items() if end <= now]:
                del holders[name]
            if len(holders) >= limit:
                return False
            holders[holder] = now + lease
            return True

    def release(self, key: str, holder: str) -> None:
        with self._lock:
            self._holders.get(key, {}).pop(holder, None)

    def pause(self, key: str, seconds: float) -> None:
        with self._lock:
            self._paused[key] = max(self._paused.get(key, 0.0), time.monotonic() + seconds)


#: seconds between tries for a concurrency slot
_POLL = (0.002, 0.005, 0.01, 0.02)


class Permit:
    """The concurrency slots one request holds; `release()` frees them (once)."""

    __slots__ = ("store", "slots", "holder")

    def __init__(self, store, holder: str):
        self.store, self.holder, self.slots = store, holder, []

    def release(self) -> None:
        slots, self.slots = self.slots, []
        for key in slots:
            self.store.release(key, self.holder)


class Limiter:
    """Applies the rules to requests; `store` is a `LocalStore` or a Redis store (same methods).

    lease:      seconds a concurrency slot stays taken if its holder dies without releasing it.
    max_pause:  the longest pause a `Retry-After` can impose (a larger value is capped).
    recheck:    for a host without rules, how long a "not paused" answer is trusted before the
                store is asked again (so a pause another worker learned of reaches this one
                within that time; a pause this process learns of applies at once).
    late:       a request that wakes more than this many seconds after its turn (a busy machine
                or event loop) takes a new turn instead of going, so late requests never bunch
                up with punctual ones: in any second at most about `perSecond * (1 + late) + 1`
                requests go.
    """

    def __init__(self, rules: Mapping[str, RateLimit], store=None, *, lease: float = 300.0,
                 max_pause: float = 300.0, recheck: float = 0.05, late: float = 0.03):
        self.rules = dict(rules)
        self.store = store if store is not None else LocalStore()
        self.lease = lease
        self.max_pause = max_pause
        self.recheck = recheck
        self.late = late
        self._clear: dict[str, float] = {}  # pause key -> trusted "not paused" until (monotonic)

    def __repr__(self) -> str:
        return f"Limiter(rules={sorted(self.rules)}, store={type(self.store).__name__})"

    def _matching(self, request: httpx2.Request) -> list[tuple[str, RateLimit]]:
        host = (request.url.host or "").lower()
        found = []
        rule_key = f"{host}:{request.url.port}" if request.url.port else host
        rule = self.rules.get(rule_key) or self.rules.get(host)
        if rule is not None:
            found.append(("host:" + (rule_key if rule_key in self.rules else host), rule))
        credential = request.extensions.get(CREDENTIAL_EXTENSION)
        if isinstance(credential, str):
            key = "credential:" + credential.lower()
            if key in self.rules:
                found.append((key, self.rules[key]))
        return found

    @staticmethod
    def _pause_key(request: httpx2.Request) -> str:
        url = request.url
        return f"pause:{(url.host or '').lower()}:{url.port or (443 if url.scheme == 'https' else 80)}"

    def _steps(self, request: httpx2.Request):
        """The waiting plan of one request: yields seconds to sleep; returns its Permit."""
        rules = self._matching(request)
        pause_key = self._pause_key(request)
        if not rules and self._clear.get(pause_key, 0.0) > time.monotonic():
            return Permit(self.store, "")
        max_wait = min((r.max_wait for _, r in rules), default=DEFAULT_MAX_WAIT)
        deadline = time.monotonic() + max_wait
        permit = Permit(self.store, uuid.uuid4().hex)
        try:
            for key, rule in rules:
                if rule.concurrent:
                    step = 0
                    while not self.store.acquire("slots:" + key, permit.holder, rule.concurrent, self.lease):
                        if time.monotonic() > deadline:
                            raise _refused(request, max_wait, "concurrent calls")
                        yield _POLL[min(step, len(_POLL) - 1)]
                        step += 1
                    permit.slots.append("slots:" + key)
            rates = [("rate:" + key, rule.interval, rule.burst) for key, rule in rules if rule.interval]
            while True:
                left = deadline - time.monotonic()
                verdict, wait = self.store.admit(pause_key, rates, max(0.0, left))
                if verdict == "refused" or (verdict == "paused" and wait > left):
                    raise _refused(request, max_wait, "requests per second" if verdict == "refused"
                                   else "a pause after 429 Too Many Requests")
                due = time.monotonic() + wait
                if wait > 0:
                    yield wait
                if verdict == "go" and rates and time.monotonic() - due > self.late:
                    continue  # woke too late (a busy machine): going now would crowd the next turns
                if verdict == "go":
                    if not rules:
                        if len(self._clear) > 10_000:
                            self._clear.clear()
                        self._clear[pause_key] = time.monotonic() + self.recheck
                    return permit
        except BaseException:
            permit.release()
            raise

    def acquire(self, request: httpx2.Request) -> Permit:
        with closing(self._steps(request)) as steps:  # an interrupted wait frees what it holds
            try:
                while True:
                    time.sleep(next(steps))
            except StopIteration as done:
                return done.value

    async def aacquire(self, request: httpx2.Request) -> Permit:
        """The async twin; a remote store is asked from a worker thread, so its round trips
        never stall the event loop (a stalled loop would hold back calls already let through)."""
        blocking = getattr(self.store, "remote", False)
        with closing(self._steps(request)) as steps:
            while True:
                done, value = await asyncio.to_thread(_advance, steps) if blocking else _advance(steps)
                if done:
                    return value
                await asyncio.sleep(value)

    def observe(self, request: httpx2.Request, response: httpx2.Response) -> None:
        """A 429 with Retry-After pauses the host (for every worker sharing the store)."""
        if response.status_code != 429:
            return
        hint = response.headers.get("retry-after")
        seconds = parse_retry_after(hint) if hint else None
        if seconds:
            key = self._pause_key(request)
            self._clear.pop(key, None)
            self.store.pause(key, min(seconds, self.max_pause))


def _advance(steps) -> tuple[bool, Any]:
    """(False, seconds to wait) or (True, the Permit): one step of a waiting plan."""
    try:
        return False, next(steps)
    except StopIteration as done:
        return True, done.value


def _refused(request: httpx2.Request, max_wait: float, what: str) -> ConnectorError:
    return ConnectorError("RATE_LIMITED", f"rate limit for {request.url.host}: no turn within "
                          f"{max_wait:g} s ({what})", retryable=True)


class _Releasing(httpx2.SyncByteStream):
    def __init__(self, stream, release):
        self.stream, self.release = stream, release

    def __iter__(self):
        yield from self.stream

    def close(self) -> None:
        try:
            self.stream.close()
        finally:
            self.release()


class _AsyncReleasing(httpx2.AsyncByteStream):
    def __init__(self, stream, release):
        self.stream, self.release = stream, release

    async def __aiter__(self):
        async for chunk in self.stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self.stream.aclose()
        finally:
            self.release()


class LimitedTransport(httpx2.BaseTransport):
    """Waits for its turn, sends, and frees the concurrency slot when the response is closed."""

    def __init__(self, inner: httpx2.BaseTransport, limiter: Limiter):
        self.inner, self.limiter = inner, limiter

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        permit = self.limiter.acquire(request)
        try:
            response = self.inner.handle_request(request)
            self.limiter.observe(request, response)
        except BaseException:
            permit.release()
            raise
        if permit.slots:
            response.stream = _Releasing(response.stream, permit.release)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncLimitedTransport(httpx2.AsyncBaseTransport):
    def __init__(self, inner: httpx2.AsyncBaseTransport, limiter: Limiter):
        self.inner, self.limiter = inner, limiter

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        permit = await self.limiter.aacquire(request)
        try:
            response = await self.inner.handle_async_request(request)
            self.limiter.observe(request, response)
        except BaseException:
            permit.release()
            raise
        if permit.slots:
            response.stream = _AsyncReleasing(response.stream, permit.release)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def wrapper(limiter: Limiter | None):
    """For `make_client(wrap=...)`: wraps each transport of a client in the limiter (or None)."""
    if limiter is None:
        return None

    def wrap(transport):
        if isinstance(transport, httpx2.AsyncBaseTransport):
            return AsyncLimitedTransport(transport, limiter)
        return LimitedTransport(transport, limiter)
    return wrap
