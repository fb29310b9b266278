"""The new owner's checklist: when the business first downloaded its join poster from the
admin console (hub.domain.setup). Every other step is read from the rows it creates."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

_COLUMNS = {
    "sqlite": 'ALTER TABLE "business" ADD COLUMN "poster_printed_at" TIMESTAMP;',
    "postgres": 'ALTER TABLE "business" ADD COLUMN IF NOT EXISTS "poster_printed_at" TIMESTAMPTZ;',
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return _COLUMNS["postgres" if db.capabilities.dialect == "postgres" else "sqlite"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'ALTER TABLE "business" DROP COLUMN "poster_printed_at";'
