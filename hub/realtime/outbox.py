"""Write events in the operation's transaction; wake the relay after commit.

While a relay runs in this process, new rows carry its claim: the relay publishes them
right after commit without a claiming round trip. Rows written where no relay runs (a CLI
command) are left unclaimed for any relay's sweep.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from hub.domain.clock import utcnow
from hub.models import OutboxEvent

_relays: dict[asyncio.Event, str] = {}


def claim() -> dict[str, Any]:
    """The claim columns of a row recorded now: this process's relay, or none."""
    for token in _relays.values():
        return {"claim": token, "claimed_at": utcnow()}
    return {}


async def record(conn: BaseDBAsyncClient, event: dict[str, Any]) -> None:
    """Store an event with the transaction `conn`; it is published only if that commits."""
    await OutboxEvent.create(payload=event, using_db=conn, **claim())


async def record_many(conn: BaseDBAsyncClient, events: list[dict[str, Any]]) -> None:
    if events:
        claimed = claim()
        await OutboxEvent.bulk_create([OutboxEvent(payload=event, **claimed) for event in events], using_db=conn)


def committed() -> None:
    """Call after a transaction that recorded events has committed."""
    for waiter in list(_relays):
        waiter.set()


def register_relay(waiter: asyncio.Event, claim: str) -> None:
    """A relay of this process: rows recorded from now on carry `claim`; `waiter` is set on commit."""
    _relays[waiter] = claim


def unregister_relay(waiter: asyncio.Event) -> None:
    _relays.pop(waiter, None)
