"""The card's inbox (messages kept 90 days, read or not) and the Web Push subscriptions of the
browsers that asked to be notified, one per card and push endpoint."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


def _tables(serial: str, big_serial: str, timestamp: str) -> str:
    return f"""
CREATE TABLE IF NOT EXISTS "inbox_message" (
    "id" {big_serial},
    "business_id" INT NOT NULL,
    "campaign_id" INT,
    "delivery_id" BIGINT UNIQUE,
    "title" VARCHAR(200) NOT NULL DEFAULT '',
    "body" TEXT NOT NULL,
    "voucher_id" INT,
    "draw_id" INT,
    "read_at" {timestamp},
    "created_at" {timestamp} NOT NULL,
    "expires_at" {timestamp} NOT NULL,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_inbox_message_card_id" ON "inbox_message" ("card_id", "id");
CREATE INDEX IF NOT EXISTS "idx_inbox_message_expires" ON "inbox_message" ("expires_at");
CREATE TABLE IF NOT EXISTS "push_subscription" (
    "id" {serial},
    "business_id" INT NOT NULL,
    "endpoint" VARCHAR(800) NOT NULL,
    "p256dh" VARCHAR(100) NOT NULL,
    "auth" VARCHAR(40) NOT NULL,
    "created_at" {timestamp} NOT NULL,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_push_subscription_card_endpoint" UNIQUE ("card_id", "endpoint")
);
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return _tables("SERIAL NOT NULL PRIMARY KEY", "BIGSERIAL NOT NULL PRIMARY KEY", "TIMESTAMPTZ")
    integer = "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"
    return _tables(integer, integer, "TIMESTAMP")


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'DROP TABLE IF EXISTS "push_subscription"; DROP TABLE IF EXISTS "inbox_message";'
