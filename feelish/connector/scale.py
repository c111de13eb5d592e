"""What a `Runtime` shares with other processes: from `redis_url` and `rate_limits`, its token
cache and its rate limiter.  Without a Redis URL both stay in the process; with one, the token
cache and the limits are shared through that Redis (the `redis` package is imported only then,
by `SharedRedis`)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import TokenCache
from ..auth.redis_link import SharedRedis
from ..auth.token_cache_redis import RedisTokenCache
from .rate_limits import Limiter, parse_limits
from .rate_limits_redis import RedisStore


def shared_redis(redis_url: str | None, prefix: str) -> SharedRedis | None:
    return SharedRedis(redis_url, prefix=prefix) if redis_url else None


def make_token_cache(given, shared: SharedRedis | None) -> TokenCache:
    """The runtime's token cache: `given`, else shared through Redis, else in-process."""
    if given is not None:
        return given
    return RedisTokenCache(shared) if shared is not None else TokenCache()


def make_limiter(rate_limits: Mapping[str, Any] | None, shared: SharedRedis | None) -> Limiter | None:
    """None when there is nothing to limit (no rules and no Redis): the transport stays bare."""
    try:
        rules = parse_limits(rate_limits)
    except ValueError as exc:
        raise ValueError(f"Runtime(rate_limits=...): {exc}") from None
    if shared is None:
        return Limiter(rules) if rules else None
    return Limiter(rules, RedisStore(shared))
