"""The relay's sweep looks only at unpublished outbox rows: a partial index holds just those,
so the sweep stays an index scan however many published rows the table keeps."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return 'CREATE INDEX IF NOT EXISTS "idx_outbox_unpublished" ON "outbox_event" ("id") WHERE "published_at" IS NULL;'


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'DROP INDEX IF EXISTS "idx_outbox_unpublished";'
