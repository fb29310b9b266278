"""Fixed-window rate limits in Redis. They fail open: an outage must not stop a scan."""

from __future__ import annotations

import logging

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
