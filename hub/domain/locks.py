"""Row locks that work on SQLite and PostgreSQL alike."""

from __future__ import annotations

from functools import cache

from tortoise.backends.base.client import BaseDBAsyncClient

from hub.db import fetch
from hub.domain.rows import model_from, select_list
from hub.errors import IdempotencyReplay
from hub.models import Business, Card, CardTemplate


async def lock_card(conn: BaseDBAsyncClient, card_id: int) -> Card | None:
    """Lock the live card row for the rest of the transaction and return it fresh.

    PostgreSQL: SELECT … FOR NO KEY UPDATE. SQLite has no row locks; its transactions hold the
    database's write lock from their start (hub/db.py), which serialises them the same way.
    """
    return await Card.filter(id=card_id, deleted_at=None).using_db(conn).select_for_update(no_key=True).first()


@cache
def _stamp_sql(where: str, for_update: bool) -> str:
    # The idempotency check rides along: a key already in the journal is a replay.
    return (
        f"SELECT {select_list(Card, 'c')}, {select_list(CardTemplate, 't')}, {select_list(Business, 'b')}, "
        'EXISTS (SELECT 1 FROM "card_event" e WHERE e."business_id" = c."business_id" '
        'AND e."idempotency_key" = {}) AS "replayed" '
        'FROM "card" c JOIN "card_template" t ON t."id" = c."template_id" '
        'JOIN "business" b ON b."id" = c."business_id" '
        f'WHERE c."{where}" = {{}} AND c."business_id" = {{}} AND c."deleted_at" IS NULL'
        + (" FOR NO KEY UPDATE OF c" if for_update else "")
    )


async def lock_card_to_stamp(
    conn: BaseDBAsyncClient,
    business_id: int,
    *,
    card_id: int | None = None,
    number: int | None = None,
    idempotency_key: str | None = None,
) -> tuple[Card, CardTemplate, Business] | None:
    """Lock the business's live card (by id or number) as `lock_card` does, and read its
    template and business in the same round trip; only the card row is locked, so scans of
    different cards never queue on their shared template or business.

    A card of another business is None here and never locked. Raises IdempotencyReplay when
    the journal already holds `idempotency_key` (a concurrent twin that commits meanwhile
    is caught by the key's unique index instead).
    """
    where, ident = ("id", card_id) if card_id is not None else ("number", number)
    for_update = bool(conn.capabilities.support_for_update)
    rows = await fetch(conn, _stamp_sql(where, for_update), idempotency_key, ident, business_id)
    if not rows:
        return None
    row = rows[0]
    if row["replayed"]:
        raise IdempotencyReplay()
    return model_from(Card, row, "c"), model_from(CardTemplate, row, "t"), model_from(Business, row, "b")
