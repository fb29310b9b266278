"""Rate limits in Redis: fixed windows for request volume (`hit`), and buckets with exponential
delay for guesses at secrets (`take`). They fail open: an outage must not stop a scan."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from hub import clock
from hub.errors import RateLimited

log = logging.getLogger(__name__)


async def hit(redis: Redis, prefix: str, key: str, *, limit: int, window: int) -> None:
    """Count one attempt for `key`; raises RateLimited past `limit` per `window` seconds."""
    bucket = int(clock.timestamp() // window)
    name = f"{prefix}:rl:{key}:{bucket}"
    try:
        # One round trip on the hot path: only the window's first hit sets the expiry. Should
        # that EXPIRE be lost, the key only lingers; its window has passed and no count reads it.
        count = await redis.incr(name)
        if count == 1:
            await redis.expire(name, window + 1)
    except (RedisError, OSError) as exc:
        log.warning("rate limit unavailable (%s); allowing", exc)
        return
    if count > limit:
        raise RateLimited(retry_after=window - int(clock.timestamp()) % window)


async def reset(redis: Redis, prefix: str, key: str, *, window: int) -> None:
    bucket = int(clock.timestamp() // window)
    try:
        await redis.delete(f"{prefix}:rl:{key}:{bucket}")
    except (RedisError, OSError):
        pass


# --- Guesses with exponential delay ------------------------------------------------------------

# KEYS: the buckets. ARGV: now, then per bucket: free, base, cap, ttl. Refuses (returns the
# seconds to wait) while any bucket waits; otherwise counts the attempt in every bucket at once,
# so a burst of parallel guesses cannot all pass before the first one is counted.
_TAKE = """
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local until_ = tonumber(redis.call('HGET', key, 'until') or '0')
  if until_ - now > wait then wait = until_ - now end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  local at = 1 + (i - 1) * 4
  local free, base, cap, ttl = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3]), ARGV[at + 4]
  local n = redis.call('HINCRBY', key, 'n', 1)
  local delay = 0
  if n > free then delay = math.min(cap, base * 2 ^ (n - free - 1)) end
  redis.call('HSET', key, 'until', tostring(now + delay))
  redis.call('EXPIRE', key, ttl)
end
return '0'
"""

# The attempt was not a wrong guess: uncount it, and shorten the wait it caused to what the
# remaining count would have given from now (a concurrent failure keeps its own, shorter or not).
_REFUND = """
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local at = 1 + (i - 1) * 4
  local free, base, cap = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  local n = tonumber(redis.call('HGET', key, 'n') or '0')
  if n > 0 then
    n = redis.call('HINCRBY', key, 'n', -1)
    local delay = 0
    if n > free then delay = math.min(cap, base * 2 ^ (n - free - 1)) end
    local until_ = tonumber(redis.call('HGET', key, 'until') or '0')
    if until_ > now + delay then redis.call('HSET', key, 'until', tostring(now + delay)) end
  end
end
return 0
"""


@dataclass(frozen=True)
class Backoff:
    """A bucket of guesses: `free` wrong ones, then each further one doubles the wait before the
    next attempt (`base` seconds, then twice that, … at most `cap`). Forgotten `memory` seconds
    after the last attempt."""

    key: str
    free: int
    base: float = 1.0
    cap: float = 900.0
    memory: int = 86400


def _argv(buckets: list[Backoff]) -> list[str]:
    args = [repr(clock.timestamp())]
    for b in buckets:
        args += [str(b.free), repr(b.base), repr(b.cap), str(b.memory)]
    return args


async def take(redis: Redis, prefix: str, buckets: list[Backoff]) -> None:
    """Count one attempt in every bucket; raises RateLimited (nothing counted) while any waits."""
    if not buckets:
        return
    keys = [f"{prefix}:bo:{b.key}" for b in buckets]
    try:
        wait = float(await redis.eval(_TAKE, len(keys), *keys, *_argv(buckets)))
    except (RedisError, OSError) as exc:
        log.warning("rate limit unavailable (%s); allowing", exc)
        return
    if wait > 0:
        raise RateLimited(retry_after=max(1, math.ceil(wait)))


async def refund(redis: Redis, prefix: str, buckets: list[Backoff]) -> None:
    """Uncount the attempt `take` counted in these buckets (it was not a wrong guess)."""
    if not buckets:
        return
    keys = [f"{prefix}:bo:{b.key}" for b in buckets]
    try:
        await redis.eval(_REFUND, len(keys), *keys, *_argv(buckets))
    except (RedisError, OSError):
        pass


async def forget(redis: Redis, prefix: str, buckets: list[Backoff]) -> None:
    """Start these buckets afresh (a device proved it knows the secret)."""
    if not buckets:
        return
    try:
        await redis.delete(*(f"{prefix}:bo:{b.key}" for b in buckets))
    except (RedisError, OSError):
        pass
