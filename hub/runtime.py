"""What one process holds while it runs: settings, Redis, the event bus, the relay."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from redis.asyncio import Redis

from hub import db
from hub.config import Settings, settings
from hub.domain import api_keys
from hub.realtime.access import LiveAccess
from hub.realtime.bus import EventBus
from hub.realtime.redis import async_redis
from hub.realtime.relay import OutboxRelay


@dataclass
class Runtime:
    settings: Settings
    redis_url: str
    redis: Redis
    bus: EventBus = field(default_factory=EventBus)
    access: LiveAccess = field(default_factory=LiveAccess)
    tasks: list[asyncio.Task] = field(default_factory=list)

    async def start(self, *, listen: bool = True, connect_db: bool = True) -> None:
        if connect_db:
            await db.connect(self.settings.database_url)
        relay = OutboxRelay(self.redis, self.settings.events_channel)
        self.tasks.append(asyncio.create_task(relay.run(), name="outbox-relay"))
        if listen:
            self.bus.subscribe("*", api_keys.forget_revoked)
            self.bus.subscribe("*", self.access.on_event)
            self.tasks.append(
                asyncio.create_task(self.bus.listen(self.redis, self.settings.events_channel), name="event-bus")
            )

    async def stop(self, *, close_db: bool = True) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.tasks.clear()
        with contextlib.suppress(Exception):
            await self.redis.aclose()
        if close_db:
            await db.close()


_current: Runtime | None = None


def create_runtime(redis_url: str | None = None) -> Runtime:
    global _current
    conf = settings()
    url = redis_url or conf.redis_url
    if url is None:
        raise RuntimeError("REDIS_URL is not set; `stamphub run` starts an embedded Redis for you")
    _current = Runtime(settings=conf, redis_url=url, redis=async_redis(url))
    return _current


def runtime() -> Runtime:
    if _current is None:
        raise RuntimeError("runtime not created")
    return _current
