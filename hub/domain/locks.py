"""Row locks that work on SQLite and PostgreSQL alike."""

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from hub.models import Card


async def lock_card(conn: BaseDBAsyncClient, card_id: int) -> Card | None:
    """Lock the card row for the rest of the transaction and return it fresh.

    A no-op UPDATE first: on PostgreSQL it takes the row lock, on SQLite it takes the
    write lock up front, so a deferred transaction cannot fail later when upgrading
    from a read to a write lock while another process writes.
    """
    touched = await Card.filter(id=card_id, deleted_at=None).using_db(conn).update(stamps=F("stamps"))
    if not touched:
        return None
    return await Card.get(id=card_id).using_db(conn)
