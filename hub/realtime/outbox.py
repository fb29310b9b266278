"""Write events in the operation's transaction; wake the relay after commit.

`async with outbox.transaction() as conn:` is the operation's transaction: once it commits,
the relay is woken for the events recorded in it (none recorded, no wake; an exception rolls
back and wakes nothing), so no writer has to remember to wake it.

While a relay runs in this process, new rows carry its claim: the relay publishes them
right after commit without a claiming round trip. Rows written where no relay runs (a CLI
command) are left unclaimed for any relay's sweep.

The hottest writer (a stamp) goes one step further: it records its rows under the relay's
hand-over claim and, once committed, hands them over in memory (`committed(handed)`), so
publishing them needs no read at all. Only hand-overs publish such rows; should one never
come (the process died in between), the claim goes stale and a sweep takes them over.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from hub.clock import utcnow
from hub.models import OutboxEvent

HANDOVER_SUFFIX = "~h"

Row = tuple[int, dict[str, Any]]


@dataclass
class _Relay:
    wake: asyncio.Event
    claim: str
    take: Callable[[list[Row] | None], None]


_relays: list[_Relay] = []


def claim(*, handover: bool = False) -> dict[str, Any]:
    """The claim columns of a row recorded now: this process's relay (its hand-over claim for
    rows the writer hands over after commit), or none."""
    if not _relays:
        return {}
    return {"claim": _relays[0].claim + (HANDOVER_SUFFIX if handover else ""), "claimed_at": utcnow()}


async def record(conn: BaseDBAsyncClient, event: dict[str, Any]) -> None:
    """Store an event with the transaction `conn`; it is published only if that commits."""
    await OutboxEvent.create(payload=event, using_db=conn, **claim())
    _recorded()


async def record_many(conn: BaseDBAsyncClient, events: list[dict[str, Any]]) -> None:
    if events:
        claimed = claim()
        await OutboxEvent.bulk_create([OutboxEvent(payload=event, **claimed) for event in events], using_db=conn)
        _recorded()


@dataclass
class Handed:
    """Rows recorded under a hand-over claim, to pass to the relay once their transaction commits."""

    claim: str | None
    rows: list[Row]


@dataclass
class _Pending:
    recorded: bool = False
    handed: Handed | None = None


_pending: ContextVar[_Pending | None] = ContextVar("outbox_pending", default=None)


@asynccontextmanager
async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """The operation's transaction; the relay wakes once it has committed."""
    pending = _Pending()
    token = _pending.set(pending)
    try:
        async with in_transaction() as conn:
            yield conn
    finally:
        _pending.reset(token)
    if pending.recorded or pending.handed is not None:
        committed(pending.handed)


def hand_over(handed: Handed) -> None:
    """Within `transaction()`: rows recorded under the hand-over claim go to the relay in memory
    once the transaction commits."""
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("hand_over() needs outbox.transaction()")
    pending.handed = handed


def _recorded() -> None:
    pending = _pending.get()
    if pending is not None:
        pending.recorded = True


def committed(handed: Handed | None = None) -> None:
    """After a transaction that recorded events has committed: `transaction()` calls it; call it
    by hand only after a transaction opened some other way (an outer one around many)."""
    for relay in list(_relays):
        if handed and handed.claim == relay.claim + HANDOVER_SUFFIX:
            relay.take(handed.rows)
        else:
            relay.take(None)  # rows to read from the table
        relay.wake.set()


def register_relay(wake: asyncio.Event, claim: str, take: Callable[[list[Row] | None], None]) -> None:
    """A relay of this process: rows recorded from now on carry `claim`; on each commit `take`
    receives the rows handed over, or None when there are rows to read from the table, and
    `wake` is set."""
    _relays.append(_Relay(wake, claim, take))


def unregister_relay(wake: asyncio.Event) -> None:
    _relays[:] = [r for r in _relays if r.wake is not wake]
