"""A long-lived event loop per worker process, so async domain code runs inside sync RQ jobs.

The database connection and the outbox relay live on that loop across jobs; each job
flushes the outbox before it returns so its events go out at once.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from hub import db
from hub.config import settings
from hub.realtime.redis import async_redis
from hub.realtime.relay import OutboxRelay

T = TypeVar("T")

_state: dict[str, Any] = {}


def _ensure_loop() -> asyncio.AbstractEventLoop:
    if _state.get("pid") == os.getpid():
        return _state["loop"]
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="worker-loop", daemon=True).start()
    _state.update(pid=os.getpid(), loop=loop)
    asyncio.run_coroutine_threadsafe(_start(), loop).result()
    return loop


async def _start() -> None:
    conf = settings()
    await db.connect(conf.database_url)
    relay = OutboxRelay(async_redis(conf.redis_url), conf.events_channel)
    _state["relay"] = relay
    _state["relay_task"] = asyncio.create_task(relay.run())


# A job hands its own events out before it returns; a backlog left by others beyond that
# belongs to the relays running alongside, not to this job's run time.
FLUSH_BUDGET_SECONDS = 2.0


async def _with_flush(fn: Callable[..., Awaitable[T]], *args: Any) -> T:
    result = await fn(*args)
    deadline = asyncio.get_running_loop().time() + FLUSH_BUDGET_SECONDS
    try:
        while await _state["relay"].flush() and asyncio.get_running_loop().time() < deadline:
            pass
    except Exception:
        pass  # Redis is away: the relay task keeps retrying in the background
    return result


def run(fn: Callable[..., Awaitable[T]], *args: Any) -> T:
    return asyncio.run_coroutine_threadsafe(_with_flush(fn, *args), _ensure_loop()).result()
