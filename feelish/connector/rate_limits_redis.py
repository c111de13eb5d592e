"""The rate-limit store in Redis, shared by every worker: `LocalStore`'s methods, each one atomic
Lua script on Redis's own clock (the machines' clocks need not agree); while Redis is down the
process's own `LocalStore` takes over, so the limits then hold per process."""
from __future__ import annotations

from ..auth.redis_link import SharedRedis
from .rate_limits import LocalStore

# times in microseconds from Redis TIME
_ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local paused = redis.call('PTTL', KEYS[1])
if paused > 0 then return {'paused', tostring(paused * 1000)} end
local max_wait = tonumber(ARGV[1])
local worst = 0
local next_slots = {}
for i = 2, #KEYS do
  local interval = tonumber(ARGV[2 * i - 2])
  local burst = tonumber(ARGV[2 * i - 1])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  local wait = tat - now - (burst - 1) * interval
  if wait > worst then worst = wait end
  next_slots[i] = tat + interval
end
if worst > max_wait then return {'refused', tostring(worst)} end
for i = 2, #KEYS do
  redis.call('SET', KEYS[i], string.format('%.0f', next_slots[i]), 'PX',
             math.floor((next_slots[i] - now) / 1000) + 1000)
end
return {'go', tostring(worst)}
"""

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.floor(tonumber(ARGV[3]) / 1000) + 1000)
return 1
"""

_PAUSE = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
"""

_MICRO = 1_000_000


class RedisStore:
    """`LocalStore`'s methods on Redis; each falls back to `local` while Redis is down."""

    remote = True  # each method is a network round trip (async callers ask from a thread)

    def __init__(self, redis: str | SharedRedis, local: LocalStore | None = None):
        self.shared = redis if isinstance(redis, SharedRedis) else SharedRedis(redis)
        self.local = local if local is not None else LocalStore()
        self._admit = self.shared.script(_ADMIT)
        self._acquire = self.shared.script(_ACQUIRE)
        self._pause = self.shared.script(_PAUSE)
        self._granted_locally: set[tuple[str, str]] = set()

    def __repr__(self) -> str:
        return f"RedisStore({self.shared!r})"

    def admit(self, pause_key: str, rates: list[tuple[str, float, int]], max_wait: float):
        keys = [self.shared.key(pause_key), *(self.shared.key(k) for k, _, _ in rates)]
        args: list = [int(max_wait * _MICRO)]
        for _, interval, burst in rates:
            args += [int(interval * _MICRO), burst]

        def remote(r):
            verdict, wait = self._admit(keys=keys, args=args, client=r)
            return verdict.decode(), float(wait) / _MICRO
        return self.shared.run(remote, lambda: self.local.admit(pause_key, rates, max_wait))

    def acquire(self, key: str, holder: str, limit: int, lease: float) -> bool:
        def local() -> bool:
            granted = self.local.acquire(key, holder, limit, lease)
            if granted:
                self._granted_locally.add((key, holder))
            return granted
        return self.shared.run(
            lambda r: bool(self._acquire(keys=[self.shared.key(key)], args=[holder, limit, int(lease * _MICRO)],
                                         client=r)), local)

    def release(self, key: str, holder: str) -> None:
        if (key, holder) in self._granted_locally:
            self._granted_locally.discard((key, holder))
            self.local.release(key, holder)
            return
        self.shared.run(lambda r: r.zrem(self.shared.key(key), holder), lambda: None)

    def pause(self, key: str, seconds: float) -> None:
        self.local.pause(key, seconds)  # this process pauses even if Redis cannot tell the others
        self.shared.run(lambda r: self._pause(keys=[self.shared.key(key)], args=[int(seconds * 1000)],
                                              client=r), lambda: None)
