"""Plans and billing: the Free plan's monthly meter on business, invoices, handled payment webhooks."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

_COLUMNS = {
    "sqlite": """
ALTER TABLE "business" ADD COLUMN "ops_month" VARCHAR(7) NOT NULL DEFAULT '';
ALTER TABLE "business" ADD COLUMN "ops_count" INT NOT NULL DEFAULT 0;
ALTER TABLE "business" ADD COLUMN "grace_until" TIMESTAMP;
ALTER TABLE "business" ADD COLUMN "payment_customer" VARCHAR(64);
""",
    "postgres": """
ALTER TABLE "business" ADD COLUMN IF NOT EXISTS "ops_month" VARCHAR(7) NOT NULL DEFAULT '';
ALTER TABLE "business" ADD COLUMN IF NOT EXISTS "ops_count" INT NOT NULL DEFAULT 0;
ALTER TABLE "business" ADD COLUMN IF NOT EXISTS "grace_until" TIMESTAMPTZ;
ALTER TABLE "business" ADD COLUMN IF NOT EXISTS "payment_customer" VARCHAR(64);
""",
}

_TABLES = """
CREATE TABLE IF NOT EXISTS "invoice" (
    "id" {pk},
    "plan" VARCHAR(16) NOT NULL,
    "locations" INT NOT NULL,
    "amount_cents" INT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "period_start" {ts} NOT NULL,
    "period_end" {ts} NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "provider_ref" VARCHAR(128) NOT NULL UNIQUE,
    "created_at" {ts} NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "payment_event" (
    "id" {pk},
    "provider_event_id" VARCHAR(128) NOT NULL UNIQUE,
    "kind" VARCHAR(64) NOT NULL,
    "created_at" {ts} NOT NULL
);
"""

_TYPES = {
    "sqlite": {"pk": "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", "ts": "TIMESTAMP"},
    "postgres": {"pk": "SERIAL NOT NULL PRIMARY KEY", "ts": "TIMESTAMPTZ"},
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    dialect = "postgres" if db.capabilities.dialect == "postgres" else "sqlite"
    return _COLUMNS[dialect] + _TABLES.format(**_TYPES[dialect])


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'DROP TABLE IF EXISTS "payment_event"; DROP TABLE IF EXISTS "invoice";'
