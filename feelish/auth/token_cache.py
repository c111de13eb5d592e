"""`TokenCache`: one per runtime, shared by every connector and call; tokens are keyed by a digest
of everything that changes them, reused until shortly before they expire, and fetched by one
request per key at a time."""
from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def digest(value: Any) -> str | None:
    """SHA-256 of a secret value (None stays None): what enters a cache key instead of the value."""
    if value is None:
        return None
    return hashlib.sha256(str(value).encode("utf-8")).hexdigest()


def make_key(**parts: Any) -> str:
    """A stable key from named parts (already free of clear-text secrets)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return f"{parts.get('grant', 'token')}:{hashlib.sha256(text.encode()).hexdigest()[:40]}"


@dataclass(eq=False)
class Token:
    """An access token and what came with it. The repr never shows the token values."""

    access_token: str
    token_type: str = "Bearer"
    expires_in: float | None = None
    obtained_at: float = 0.0
    refresh_token: str | None = None
    scope: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def expires_at(self) -> float | None:
        return None if self.expires_in is None else self.obtained_at + self.expires_in

    def as_result(self) -> dict[str, Any]:
        """`{access_token, token_type, expires_in, expires_at, refresh_token, scope}`."""
        expires_in = self.expires_in
        if expires_in is not None and float(expires_in).is_integer():
            expires_in = int(expires_in)
        expires_at = self.expires_at
        return {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_in": expires_in,
            "expires_at": None if expires_at is None else int(expires_at),
            "refresh_token": self.refresh_token,
            "scope": self.scope,
        }

    def secret_values(self) -> list[str]:
        return [v for v in (self.access_token, self.refresh_token) if v]

    def __repr__(self) -> str:
        return (f"Token(token_type={self.token_type!r}, expires_in={self.expires_in!r}, "
                f"scope={self.scope!r}, refresh_token={'***' if self.refresh_token else None})")


@dataclass
class CacheStats:
    """Counts for tests and benchmarks."""

    hits: int = 0
    misses: int = 0
    token_requests: int = 0
    stores: int = 0
    invalidations: int = 0


class TokenCache:
    """Thread-safe and asyncio-safe token cache; see the module docstring."""

    def __init__(self, *, skew: float = 30.0, max_entries: int = 1000,
                 clock: Callable[[], float] = time.time):
        if skew < 0:
            raise ValueError("skew must be >= 0")
        self.skew = float(skew)
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, Token] = OrderedDict()
        self._refresh: OrderedDict[str, str] = OrderedDict()  # key -> newest refresh token
        self._mutex = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._alocks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
            weakref.WeakKeyDictionary())
        self.stats = CacheStats()

    # ------------------------------------------------------------------ entries

    def _fresh(self, token: Token, now: float) -> bool:
        if token.expires_in is None:
            return False
        skew = min(self.skew, token.expires_in / 2)
        return now < token.obtained_at + token.expires_in - skew

    def _hit(self, key: str) -> Token | None:
        """The fresh entry for `key`, counted as a hit (call with `_mutex` held)."""
        token = self._entries.get(key)
        if token is None or not self._fresh(token, self.clock()):
            return None
        self._entries.move_to_end(key)
        self.stats.hits += 1
        return token

    def get(self, key: str) -> Token | None:
        """The cached token for `key` if it is still fresh, else None (counted as hit / miss)."""
        with self._mutex:
            token = self._hit(key)
            if token is None:
                self._entries.pop(key, None)
                self.stats.misses += 1
            return token

    def put(self, key: str, token: Token) -> bool:
        """Store `token` (if it has a lifetime); remember its refresh token either way."""
        with self._mutex:
            if token.refresh_token:
                self._refresh[key] = token.refresh_token
                self._refresh.move_to_end(key)
                while len(self._refresh) > self.max_entries:
                    self._refresh.popitem(last=False)
            if token.expires_in is None:
                return False
            self._entries[key] = token
            self._entries.move_to_end(key)
            self.stats.stores += 1
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
            return True

    def invalidate(self, key: str, token: Token | None = None) -> bool:
        """Drop the entry for `key` (only if it is still `token`, when given)."""
        with self._mutex:
            current = self._entries.get(key)
            if current is None or (token is not None and current is not token):
                return False
            del self._entries[key]
            self.stats.invalidations += 1
            return True

    def refresh_token(self, key: str) -> str | None:
        """The newest refresh token seen for `key` (after rotation), if any."""
        with self._mutex:
            return self._refresh.get(key)

    def forget_refresh_token(self, key: str, value: str | None = None) -> None:
        """Forget the refresh token of `key` (only if it is still `value`, when given: a
        refused old token must not drop the rotated one another caller stored meanwhile)."""
        with self._mutex:
            if value is None or self._refresh.get(key) == value:
                self._refresh.pop(key, None)

    def count_request(self) -> None:
        with self._mutex:
            self.stats.token_requests += 1

    def clear(self) -> None:
        with self._mutex:
            self._entries.clear()
            self._refresh.clear()

    def __len__(self) -> int:
        with self._mutex:
            return len(self._entries)

    # ------------------------------------------------------------------ single flight

    def lock(self, key: str) -> threading.Lock:
        """The per-key lock sync callers hold while they fetch."""
        with self._mutex:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.Lock()
            return lock

    def alock(self, key: str) -> asyncio.Lock:
        """The per-key lock async callers hold while they fetch (one per running event loop)."""
        loop = asyncio.get_running_loop()
        with self._mutex:
            locks = self._alocks.get(loop)
            if locks is None:
                locks = self._alocks[loop] = {}
            lock = locks.get(key)
            if lock is None:
                lock = locks[key] = asyncio.Lock()
            return lock

    def __repr__(self) -> str:
        return f"TokenCache(entries={len(self)}, skew={self.skew}, stats={self.stats})"


def token_from_body(body: Mapping[str, Any], *, now: float, expires_in: float | None) -> Token:
    """Build a `Token` from a parsed (already validated) token response body."""
    known = {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    scope = body.get("scope")
    if isinstance(scope, list):
        scope = " ".join(map(str, scope))
    refresh = body.get("refresh_token")
    return Token(
        access_token=str(body["access_token"]),
        token_type=str(body.get("token_type") or "Bearer"),
        expires_in=expires_in,
        obtained_at=now,
        refresh_token=str(refresh) if refresh else None,
        scope=None if scope in (None, "") else str(scope),
        extra={k: v for k, v in body.items() if k not in known},
    )
