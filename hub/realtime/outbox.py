"""Write events in the operation's transaction; wake the relay after commit.

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

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


async def record_many(conn: BaseDBAsyncClient, events: list[dict[str, Any]]) -> None:
    if events:
        claimed = claim()
        await OutboxEvent.bulk_create([OutboxEvent(payload=event, **claimed) for event in events], using_db=conn)


@dataclass
class Handed:
    """Rows recorded under a hand-over claim, to pass to `committed` once their transaction commits."""

    claim: str | None
    rows: list[Row]


def committed(handed: Handed | None = None) -> None:
    """Call after a transaction that recorded events has committed."""
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
