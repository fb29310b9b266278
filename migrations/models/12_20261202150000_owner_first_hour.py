"""The new owner's first hour: when the business first downloaded its join poster from the
admin console (hub.domain.setup's checklist), and each stamp card's preview card for "View as
customer" (hub.domain.templates.preview_card)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

_COLUMNS = {
    "sqlite": (
        'ALTER TABLE "business" ADD COLUMN "poster_printed_at" TIMESTAMP;'
        'ALTER TABLE "card_template" ADD COLUMN "preview_card_id" INT;'
    ),
    "postgres": (
        'ALTER TABLE "business" ADD COLUMN IF NOT EXISTS "poster_printed_at" TIMESTAMPTZ;'
        'ALTER TABLE "card_template" ADD COLUMN IF NOT EXISTS "preview_card_id" INT;'
    ),
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return _COLUMNS["postgres" if db.capabilities.dialect == "postgres" else "sqlite"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'ALTER TABLE "business" DROP COLUMN "poster_printed_at";ALTER TABLE "card_template" DROP COLUMN "preview_card_id";'
