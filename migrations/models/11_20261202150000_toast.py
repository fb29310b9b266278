"""Toast loyalty connector: a business's connection (endpoint id, key hash, accrue rule) and every
Toast transaction with the exact answer given, unique per connection, GUID and loyalty identifier."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


def _tables(serial: str, big_serial: str, timestamp: str, json: str) -> str:
    return f"""
CREATE TABLE IF NOT EXISTS "toast_connection" (
    "id" {serial},
    "public_id" VARCHAR(40) NOT NULL UNIQUE,
    "key_prefix" VARCHAR(16) NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL,
    "restaurant_guid" VARCHAR(64) NOT NULL DEFAULT '',
    "rule" VARCHAR(16) NOT NULL DEFAULT 'check',
    "items" {json} NOT NULL,
    "amount_per_stamp" INT,
    "min_amount" INT NOT NULL DEFAULT 0,
    "max_stamps" INT NOT NULL DEFAULT 10,
    "reward_value" INT NOT NULL DEFAULT 0,
    "created_at" {timestamp} NOT NULL,
    "revoked_at" {timestamp},
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "location_id" INT REFERENCES "location" ("id") ON DELETE CASCADE,
    "template_id" INT NOT NULL REFERENCES "card_template" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_toast_connection_business" ON "toast_connection" ("business_id");
CREATE TABLE IF NOT EXISTS "toast_transaction" (
    "id" {big_serial},
    "business_id" INT NOT NULL,
    "transaction_guid" VARCHAR(64) NOT NULL,
    "loyalty_identifier" VARCHAR(64) NOT NULL DEFAULT '',
    "transaction_type" VARCHAR(24) NOT NULL,
    "status_code" INT NOT NULL DEFAULT 0,
    "response" TEXT NOT NULL,
    "check_guid" VARCHAR(64),
    "card_id" INT,
    "stamp_key" VARCHAR(128),
    "voucher_ids" {json} NOT NULL,
    "reversed_at" {timestamp},
    "created_at" {timestamp} NOT NULL,
    "connection_id" INT NOT NULL REFERENCES "toast_connection" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_toast_transaction_guid" UNIQUE ("connection_id", "transaction_guid", "loyalty_identifier")
);
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return _tables("SERIAL NOT NULL PRIMARY KEY", "BIGSERIAL NOT NULL PRIMARY KEY", "TIMESTAMPTZ", "JSONB")
    integer = "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"
    return _tables(integer, integer, "TIMESTAMP", "JSON")


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'DROP TABLE IF EXISTS "toast_transaction"; DROP TABLE IF EXISTS "toast_connection";'
