"""`RedisTokenCache`: the token cache shared by every process on one Redis, with `TokenCache`'s
interface: one token request per key across the cluster under a Redis lock that expires if its
holder dies, tokens under digest keys with their remaining lifetime as the TTL, rotated refresh
tokens kept consistent, and the process's own entries as a near cache and as the fallback while
Redis is down (docs/internals.md, "Shared state in Redis")."""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from typing import Any

from .redis_link import SharedRedis
from .token_cache import Token, TokenCache

log = logging.getLogger("feelish.auth")

_COMPARE_AND_DELETE = """
local value = redis.call('GET', KEYS[1])
if value == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_DELETE_IF_TOKEN = """
local value = redis.call('GET', KEYS[1])
if value and cjson.decode(value)['access_token'] == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _dump(token: Token) -> str:
    return json.dumps({"access_token": token.access_token, "token_type": token.token_type,
                       "expires_in": token.expires_in, "obtained_at": token.obtained_at,
                       "refresh_token": token.refresh_token, "scope": token.scope,
                       "extra": token.extra}, default=str)


def _load(text: bytes | str) -> Token:
    data = json.loads(text)
    return Token(data["access_token"], data.get("token_type") or "Bearer", data.get("expires_in"),
                 data.get("obtained_at") or 0.0, data.get("refresh_token"), data.get("scope"),
                 data.get("extra") or {})


class RedisTokenCache(TokenCache):
    """A `TokenCache` shared through Redis (same interface); see the module docstring.

    redis:        a Redis URL or a `SharedRedis`.
    lock_ttl:     seconds after which a fetch lock expires by itself (its holder died).
    refresh_ttl:  seconds a refresh token is remembered in Redis (30 days).
    """

    def __init__(self, redis: str | SharedRedis, *, skew: float = 30.0, max_entries: int = 1000,
                 clock: Callable[[], float] = time.time, lock_ttl: float = 30.0,
                 refresh_ttl: float = 30 * 86400.0):
        super().__init__(skew=skew, max_entries=max_entries, clock=clock)
        self.shared = redis if isinstance(redis, SharedRedis) else SharedRedis(redis)
        self.lock_ttl = float(lock_ttl)
        self.refresh_ttl = float(refresh_ttl)

    def _key(self, kind: str, key: str) -> str:
        return self.shared.key(kind, key)

    # ------------------------------------------------------------------ entries

    def get(self, key: str) -> Token | None:
        with self._mutex:
            token = self._hit(key)
            if token is not None:
                return token
        raw = self.shared.run(lambda r: r.get(self._key("token", key)), lambda: None)
        token = _load(raw) if raw else None
        with self._mutex:
            if token is None or not self._fresh(token, self.clock()):
                self._entries.pop(key, None)
                self.stats.misses += 1
                return None
            self._entries[key] = token
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
            self.stats.hits += 1
            return token

    def put(self, key: str, token: Token) -> bool:
        cached = super().put(key, token)
        remaining = None if token.expires_in is None else token.expires_at - self.clock()

        def store(r) -> None:
            pipe = r.pipeline(transaction=True)
            if token.refresh_token:
                pipe.set(self._key("refresh", key), token.refresh_token, px=int(self.refresh_ttl * 1000))
            if remaining is not None and remaining > 0:
                pipe.set(self._key("token", key), _dump(token), px=max(1, int(remaining * 1000)))
            pipe.execute()
        self.shared.run(store, lambda: None)
        return cached

    def invalidate(self, key: str, token: Token | None = None) -> bool:
        with self._mutex:
            current = self._entries.get(key)
            if current is not None and (token is None or current.access_token == token.access_token):
                del self._entries[key]
                self.stats.invalidations += 1
                dropped = True
            else:
                dropped = False
        if token is None:
            return self.shared.run(lambda r: bool(r.delete(self._key("token", key)) or dropped),
                                   lambda: dropped)
        script = self.shared.script(_DELETE_IF_TOKEN)
        return self.shared.run(lambda r: bool(script(keys=[self._key("token", key)],
                                                     args=[token.access_token]) or dropped),
                               lambda: dropped)

    def refresh_token(self, key: str) -> str | None:
        local = super().refresh_token(key)
        raw = self.shared.run(lambda r: r.get(self._key("refresh", key)), lambda: None)
        return raw.decode("utf-8") if raw else local

    def forget_refresh_token(self, key: str, value: str | None = None) -> None:
        with self._mutex:
            if value is None or self._refresh.get(key) == value:
                self._refresh.pop(key, None)
        if value is None:
            self.shared.run(lambda r: r.delete(self._key("refresh", key)), lambda: None)
        else:
            script = self.shared.script(_COMPARE_AND_DELETE)
            self.shared.run(lambda r: script(keys=[self._key("refresh", key)], args=[value]), lambda: None)

    def clear(self) -> None:
        """Forget every token, here and in Redis (for the whole cluster)."""
        super().clear()

        def wipe(r) -> None:
            for kind in ("token", "refresh", "lock"):
                for name in r.scan_iter(match=self._key(kind, "*"), count=500):
                    r.delete(name)
        self.shared.run(wipe, lambda: None)

    # ------------------------------------------------------------------ single flight

    def _try_lock(self, key: str, owner: str) -> bool | None:
        """True: locked; False: someone else holds it; None: Redis is down (local lock only)."""
        return self.shared.run(
            lambda r: bool(r.set(self._key("lock", key), owner, nx=True, px=int(self.lock_ttl * 1000))),
            lambda: None)

    def _unlock(self, key: str, owner: str) -> None:
        script = self.shared.script(_COMPARE_AND_DELETE)
        self.shared.run(lambda r: script(keys=[self._key("lock", key)], args=[owner]), lambda: None)

    def lock(self, key: str) -> "_SharedLock":
        """The cluster-wide lock a sync caller holds while it fetches (threads of this process
        queue on the in-process lock first)."""
        return _SharedLock(self, key, super().lock(key))

    def alock(self, key: str) -> "_SharedAsyncLock":
        return _SharedAsyncLock(self, key, super().alock(key))

    def __repr__(self) -> str:
        return f"RedisTokenCache(redis={self.shared!r}, entries={len(self)}, stats={self.stats})"


#: polling delays while another process fetches (seconds): short first, then steady
_WAITS = (0.005, 0.01, 0.02, 0.05)


def _wait(step: int) -> float:
    return _WAITS[min(step, len(_WAITS) - 1)]


class _SharedLock:
    """`with cache.lock(key):` an in-process lock, then the Redis lock (waiting at most its TTL:
    past that the holder is dead and the lock has expired)."""

    def __init__(self, cache: RedisTokenCache, key: str, local: threading.Lock):
        self.cache, self.key, self.local = cache, key, local
        self.owner = uuid.uuid4().hex
        self.locked = False

    def _waits(self):
        """Try the Redis lock until it is ours, yielding the seconds to wait between tries; gives
        up when Redis is down or the wait outlived the lock's TTL (then: the local lock only)."""
        deadline = time.monotonic() + self.cache.lock_ttl + 1
        step = 0
        try:
            while True:
                got = self.cache._try_lock(self.key, self.owner)
                if got is None or got or time.monotonic() > deadline:
                    self.locked = bool(got)
                    return
                yield _wait(step)
                step += 1
        except BaseException:
            self.local.release()
            raise

    def _release(self) -> None:
        try:
            if self.locked:
                self.locked = False
                self.cache._unlock(self.key, self.owner)
        finally:
            self.local.release()

    def __enter__(self) -> "_SharedLock":
        self.local.acquire()
        with closing(self._waits()) as waits:  # closing: an interrupted wait releases the local lock
            for seconds in waits:
                time.sleep(seconds)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._release()


class _SharedAsyncLock(_SharedLock):
    """`async with cache.alock(key):` the asyncio twin (waits with asyncio.sleep)."""

    async def __aenter__(self) -> "_SharedAsyncLock":
        await self.local.acquire()
        with closing(self._waits()) as waits:
            for seconds in waits:
                await asyncio.sleep(seconds)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._release()
