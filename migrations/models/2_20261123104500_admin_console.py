"""Admin console: designer drafts, and indexes that keep the issued-cards list, the journal
and the analytics fast at 100,000 cards per business."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

INDEXES = """
CREATE INDEX IF NOT EXISTS "idx_card_business_live_id" ON "card" ("business_id", "id") WHERE "deleted_at" IS NULL;
CREATE INDEX IF NOT EXISTS "idx_card_business_live_last_stamp" ON "card" ("business_id", "last_stamp_at")
    WHERE "deleted_at" IS NULL;
CREATE INDEX IF NOT EXISTS "idx_card_template_id" ON "card" ("template_id", "id");
CREATE INDEX IF NOT EXISTS "idx_card_customer" ON "card" ("customer_id");
CREATE INDEX IF NOT EXISTS "idx_card_business_live_customer" ON "card" ("business_id", "customer_id")
    WHERE "deleted_at" IS NULL;
CREATE INDEX IF NOT EXISTS "idx_customer_business" ON "customer" ("business_id");
CREATE INDEX IF NOT EXISTS "idx_card_event_business_id" ON "card_event" ("business_id", "id");
CREATE INDEX IF NOT EXISTS "idx_card_event_business_created" ON "card_event" ("business_id", "created_at");
CREATE INDEX IF NOT EXISTS "idx_card_event_card_id" ON "card_event" ("card_id", "id");
CREATE INDEX IF NOT EXISTS "idx_card_event_location" ON "card_event" ("location_id", "card_id");
CREATE INDEX IF NOT EXISTS "idx_voucher_card_state" ON "voucher" ("card_id", "state");
CREATE INDEX IF NOT EXISTS "idx_voucher_business_created" ON "voucher" ("business_id", "created_at");
"""

SQLITE = (
    """
CREATE TABLE IF NOT EXISTS "card_template_draft" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "values" JSON NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "template_id" INT NOT NULL UNIQUE REFERENCES "card_template" ("id") ON DELETE CASCADE
) /* Unpublished designer changes. Issued cards keep the live template until it is published. */;
"""
    + INDEXES
)

POSTGRES = (
    """
CREATE TABLE IF NOT EXISTS "card_template_draft" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "values" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "template_id" INT NOT NULL UNIQUE REFERENCES "card_template" ("id") ON DELETE CASCADE
);
"""
    + INDEXES
)


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return ""
