"""A scan the staff scanner queued while offline keeps the time it was scanned; the row's
`created_at` is when it reached the server (synced)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

_COLUMNS = {
    "sqlite": 'ALTER TABLE "card_event" ADD COLUMN "scanned_at" TIMESTAMP;',
    "postgres": 'ALTER TABLE "card_event" ADD COLUMN IF NOT EXISTS "scanned_at" TIMESTAMPTZ;',
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return _COLUMNS["postgres" if db.capabilities.dialect == "postgres" else "sqlite"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'ALTER TABLE "card_event" DROP COLUMN "scanned_at";'
