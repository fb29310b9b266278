from __future__ import annotations

from rq import Queue

from hub.config import settings
from hub.realtime.redis import sync_redis


def default_queue(redis_url: str) -> Queue:
    return Queue(settings().queue_name, connection=sync_redis(redis_url))
