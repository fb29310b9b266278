"""One visit, one stamp: how long after a stamp the staff scanner and the kiosk ask before
stamping the same card again (hub.domain.visits). 0 switches the guard off."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

_COLUMNS = {
    "sqlite": 'ALTER TABLE "business" ADD COLUMN "visit_window_seconds" INT NOT NULL DEFAULT 120;',
    "postgres": 'ALTER TABLE "business" ADD COLUMN IF NOT EXISTS "visit_window_seconds" INT NOT NULL DEFAULT 120;',
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return _COLUMNS["postgres" if db.capabilities.dialect == "postgres" else "sqlite"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'ALTER TABLE "business" DROP COLUMN "visit_window_seconds";'
