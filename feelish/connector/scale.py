"""What a `Runtime` shares with other processes: from `redis_url` and `rate_limits`, its token
cache and its rate limiter.  Without a Redis URL both stay in the process (and nothing imports
`redis`); with one, the token cache and the limits are shared through that Redis."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .rate_limits import Limiter, parse_limits


def shared_redis(redis_url: str | None, prefix: str):
    if not redis_url:
        return None
    from ..redis_link import SharedRedis
    return SharedRedis(redis_url, prefix=prefix)


def make_token_cache(given, shared):
    """The runtime's token cache: `given`, else shared through Redis, else in-process."""
    if given is not None:
        return given
    if shared is not None:
        from ..auth.token_cache_redis import RedisTokenCache
        return RedisTokenCache(shared)
    try:  # the auth package is a sibling part of feelish; the runtime works without it
        from ..auth import TokenCache
    except ImportError:  # pragma: no cover
        return None
    return TokenCache()


def make_limiter(rate_limits: Mapping[str, Any] | None, shared) -> Limiter | None:
    """None when there is nothing to limit (no rules and no Redis): the transport stays bare."""
    try:
        rules = parse_limits(rate_limits)
    except ValueError as exc:
        raise ValueError(f"Runtime(rate_limits=...): {exc}") from None
    if shared is None:
        return Limiter(rules) if rules else None
    from .rate_limits_redis import RedisStore
    return Limiter(rules, RedisStore(shared))
