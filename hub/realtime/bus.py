"""In-process subscriptions to events raised in any process.

A listener task per process receives the Redis event channel and dispatches to
local handlers by room (`card:<token>`, `location:<id>`, `seat:<id>`,
`business:<id>`, or `*`). The listener never waits for a handler: an async handler's
runs queue in a lane of its own, in order, so one slow page cannot hold up the
events of every other page and socket in the process. After a Redis outage it replays what was published
meanwhile from the outbox table, so subscribers miss nothing; events carry their
outbox id, so a replay never delivers twice.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from tortoise.expressions import Q

from hub.clock import utcnow
from hub.models import OutboxEvent
from hub.realtime.events import for_room, rooms

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None] | None]


class _Lane:
    """One handler's pending runs and the task working through them."""

    __slots__ = ("pending", "task")

    def __init__(self) -> None:
        self.pending: deque[Awaitable[None]] = deque()
        self.task: asyncio.Task | None = None


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = {}
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._lanes: dict[Handler, _Lane] = {}
        self.connected = asyncio.Event()

    def subscribe(self, topic: str, handler: Handler) -> Callable[[], None]:
        """Call `handler(event)` for each event of `topic`; returns the unsubscribe function."""
        self._handlers.setdefault(topic, []).append(handler)

        def unsubscribe() -> None:
            handlers = self._handlers.get(topic, [])
            if handler in handlers:
                handlers.remove(handler)
            if not handlers:
                self._handlers.pop(topic, None)

        return unsubscribe

    def _first_time(self, event: dict[str, Any]) -> bool:
        event_id = event.get("event_id")
        if event_id is None:
            return True
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        if len(self._seen) > 20000:
            self._seen.popitem(last=False)
        return True

    def dispatch(self, event: dict[str, Any]) -> None:
        """Hand `event` to its handlers; returns before async handlers have run."""
        if not self._first_time(event):
            return
        for room in ["*", *rooms(event)]:
            for handler in list(self._handlers.get(room, [])):
                try:
                    result = handler(for_room(event, room))
                except Exception:
                    log.exception("event handler failed for %s", event.get("type"))
                    continue
                if inspect.isawaitable(result):
                    self._later(handler, result)

    def _later(self, handler: Handler, run: Awaitable[None]) -> None:
        lane = self._lanes.get(handler)
        if lane is None:
            lane = self._lanes[handler] = _Lane()
        lane.pending.append(run)
        if lane.task is None:
            lane.task = asyncio.create_task(self._work_through(handler, lane))

    async def _work_through(self, handler: Handler, lane: _Lane) -> None:
        try:
            while lane.pending:
                try:
                    await lane.pending.popleft()
                except Exception:
                    log.exception("event handler %s failed", getattr(handler, "__qualname__", handler))
        finally:
            for run in lane.pending:  # only when cancelled at shutdown
                if inspect.iscoroutine(run):
                    run.close()
            lane.pending.clear()
            lane.task = None
            self._lanes.pop(handler, None)

    async def settled(self) -> None:
        """Wait until every handler has run for the events dispatched so far."""
        while self._lanes:
            await asyncio.gather(*(lane.task for lane in list(self._lanes.values()) if lane.task))

    async def listen(self, redis: Redis, channel: str) -> None:
        """Run forever: receive events, reconnect and catch up after outages."""
        lost_at = None
        backoff = 0.05
        while True:
            pubsub = redis.pubsub()
            try:
                await pubsub.subscribe(channel)
                self.connected.set()
                backoff = 0.05
                if lost_at is not None:
                    await self._catch_up(lost_at)
                    lost_at = None
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.dispatch(json.loads(message["data"]))
            except (RedisError, OSError) as exc:
                if lost_at is None:
                    lost_at = utcnow()
                    log.warning("event bus lost Redis (%s); reconnecting", exc)
                self.connected.clear()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 1.0)
            finally:
                try:
                    await pubsub.aclose()
                except Exception:
                    pass

    async def _catch_up(self, since) -> None:
        # Rows a relay published while we were away, and rows it is publishing right now: its
        # PUBLISH may have gone out before we subscribed and its "published" mark not yet landed.
        cut = since - timedelta(seconds=2)
        recent = Q(published_at__gte=cut) | Q(published_at=None, created_at__gte=cut - timedelta(minutes=10))
        rows = await OutboxEvent.filter(recent).order_by("id")
        for row in rows:
            self.dispatch({**row.payload, "event_id": row.id})
