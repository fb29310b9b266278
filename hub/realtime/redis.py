"""Redis clients. Failures surface at once so callers can fall back and retry on their own terms."""

from __future__ import annotations

from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.retry import Retry as SyncRetry


def async_redis(url: str) -> Redis:
    return Redis.from_url(url, retry=Retry(NoBackoff(), 0), socket_connect_timeout=2)


def sync_redis(url: str) -> SyncRedis:
    return SyncRedis.from_url(url, retry=SyncRetry(NoBackoff(), 0), socket_connect_timeout=2)
