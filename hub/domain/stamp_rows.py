"""The rows one ordinary stamp writes: its journal entry, the card's counters and its events.

On PostgreSQL they go in one statement (data-modifying CTEs), a single round trip where the
ORM takes three; a stamp is the product's hottest write. Elsewhere the ORM writes them.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from hub.clock import utcnow
from hub.models import Card, CardEvent, OutboxEvent
from hub.realtime import outbox

_JOURNAL = (
    "business_id",
    "card_id",
    "customer_id",
    "kind",
    "delta",
    "stamps_after",
    "seat_id",
    "location_id",
    "idempotency_key",
    "detail",
    "scanned_at",
)
# What a stamp changes on the card row.
COUNTERS = ("stamps", "stamps_total", "last_stamp_at", "rounds_completed")


@cache
def _sql(events: int) -> str:
    marks = iter(range(1, 100))

    def next_marks(n: int) -> list[str]:
        return [f"${next(marks)}" for _ in range(n)]

    journal = next_marks(len(_JOURNAL) + 1)
    counters = next_marks(len(COUNTERS) + 1)
    claim, claimed_at, created_at = next_marks(3)
    payloads = next_marks(events)
    columns = ", ".join(f'"{c}"' for c in (*_JOURNAL, "created_at"))
    sets = ", ".join(f'"{c}" = {m}' for c, m in zip(COUNTERS, counters, strict=False))
    values = ", ".join(f"({p}, {created_at}, {claim}, {claimed_at})" for p in payloads)
    return (
        f'WITH journal AS (INSERT INTO "card_event" ({columns}) VALUES ({", ".join(journal)})), '
        f'counters AS (UPDATE "card" SET {sets} WHERE "id" = {counters[-1]}) '
        f'INSERT INTO "outbox_event" ("payload", "created_at", "claim", "claimed_at") VALUES {values} RETURNING "id"'
    )


async def write(
    conn: BaseDBAsyncClient, card: Card, journal: dict[str, Any], events: list[dict[str, Any]]
) -> outbox.Handed:
    """Returns the events' rows to hand to the relay once committed. Raises IntegrityError when
    the journal already holds the idempotency key."""
    claimed = outbox.claim(handover=True)
    if conn.capabilities.dialect != "postgres":
        await CardEvent.create(**journal, using_db=conn)
        await card.save(update_fields=list(COUNTERS), using_db=conn)
        rows = [await OutboxEvent.create(payload=event, using_db=conn, **claimed) for event in events]
        return outbox.Handed(claimed.get("claim"), [(row.id, event) for row, event in zip(rows, events, strict=True)])
    now = utcnow()  # as the ORM's auto_now_add stamps the rows
    values = [
        *(json.dumps(journal[c]) if c == "detail" else journal[c] for c in _JOURNAL),
        now,
        *(getattr(card, c) for c in COUNTERS),
        card.id,
        claimed.get("claim"),
        claimed.get("claimed_at"),
        now,
        *(json.dumps(event) for event in events),
    ]
    _, inserted = await conn.execute_query(_sql(len(events)), values)
    # Serial ids follow the VALUES order within one statement.
    ids = sorted(int(row["id"]) for row in inserted)
    return outbox.Handed(claimed.get("claim"), list(zip(ids, events, strict=True)))
