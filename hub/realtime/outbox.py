"""Write events in the operation's transaction; wake the relay after commit."""

from __future__ import annotations

import asyncio
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from hub.models import OutboxEvent

_waiters: set[asyncio.Event] = set()


async def record(conn: BaseDBAsyncClient, event: dict[str, Any]) -> None:
    """Store an event with the transaction `conn`; it is published only if that commits."""
    await OutboxEvent.create(payload=event, using_db=conn)


def committed() -> None:
    """Call after a transaction that recorded events has committed."""
    for waiter in list(_waiters):
        waiter.set()


def register_waiter(waiter: asyncio.Event) -> None:
    _waiters.add(waiter)


def unregister_waiter(waiter: asyncio.Event) -> None:
    _waiters.discard(waiter)
