"""The Redis connection behind state that a cluster of feelish processes shares (the OAuth2 token
cache, rate limits).  It imports `redis` (the `feelish[celery]` / `feelish[redis]` extra) only
when a runtime is given a Redis URL, and it degrades: a command that fails marks Redis as down for
`retry_interval` seconds, logs one warning for the outage, and the caller uses its in-process
state instead (a call never fails because Redis is away).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

log = logging.getLogger("feelish.redis")

T = TypeVar("T")


def public_url(url: str) -> str:
    """The URL without its user and password (what may appear in a log line)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class SharedRedis:
    """One Redis client (thread-safe connection pool) plus outage bookkeeping.

    `run(action, fallback)` returns `action(client)`, or `fallback()` while Redis is down: after a
    failure, for `retry_interval` seconds no command is tried (so an outage costs one timeout, not
    one per call).  `prefix` starts every key feelish writes.
    """

    def __init__(self, url: str, *, prefix: str = "feelish:", timeout: float = 0.5,
                 retry_interval: float = 5.0):
        try:
            import redis
        except ImportError:  # pragma: no cover - depends on the installation
            raise ImportError("a Redis URL needs the redis package: pip install 'feelish[celery]'") from None
        self.url = public_url(url)
        self.prefix = prefix
        self.retry_interval = float(retry_interval)
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                           retry_on_timeout=False)
        self.errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._down_until = 0.0
        self._down = False
        self._lock = threading.Lock()
        self._scripts: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"SharedRedis(url={self.url!r}, prefix={self.prefix!r}, up={not self._down})"

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    @property
    def up(self) -> bool:
        """False while an outage is being waited out (no command is tried then)."""
        return not self._down or time.monotonic() >= self._down_until

    def run(self, action: Callable[[Any], T], fallback: Callable[[], T]) -> T:
        if not self.up:
            return fallback()
        try:
            result = action(self.client)
        except self.errors as exc:
            self._failed(exc)
            return fallback()
        if self._down:
            with self._lock:
                if self._down:
                    self._down = False
                    log.warning("Redis at %s answers again: sharing the token cache and rate "
                                "limits with the other workers again", self.url)
        return result

    def close(self) -> None:
        """Close the connections (a later command opens new ones)."""
        self.client.close()

    def script(self, source: str):
        """A registered Lua script (EVALSHA, loaded again by redis-py after a restart)."""
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.client.register_script(source)
        return script

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            first = not self._down
            self._down = True
            self._down_until = time.monotonic() + self.retry_interval
        if first:
            log.warning("Redis at %s is unavailable (%s): this process uses its own token cache and "
                        "rate limits until Redis answers again (next try in %g s)",
                        self.url, exc.__class__.__name__, self.retry_interval)
