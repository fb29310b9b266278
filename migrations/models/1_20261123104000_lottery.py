"""Lottery rewards: prize pools, prizes with weights and stock, and decided draws."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

INDEXES = """
CREATE INDEX IF NOT EXISTS "idx_lottery_dra_commitm_9a1194" ON "lottery_draw" ("commitment");
CREATE INDEX IF NOT EXISTS "idx_lottery_draw_card" ON "lottery_draw" ("card_id", "id");
CREATE INDEX IF NOT EXISTS "idx_prize_pool_template" ON "prize_pool" ("template_id");
CREATE INDEX IF NOT EXISTS "idx_prize_pool" ON "prize" ("pool_id", "position");
"""

SQLITE = (
    """
CREATE TABLE IF NOT EXISTS "prize_pool" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "blank_weight" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "template_id" INT REFERENCES "card_template" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "prize" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title" VARCHAR(120) NOT NULL,
    "weight" INT NOT NULL,
    "stock" INT,
    "awarded" INT NOT NULL,
    "valid_days" INT,
    "position" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "pool_id" INT NOT NULL REFERENCES "prize_pool" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "lottery_draw" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "voucher_id" INT,
    "source" VARCHAR(16) NOT NULL,
    "seed" VARCHAR(64) NOT NULL,
    "commitment" VARCHAR(64) NOT NULL,
    "roll" BIGINT NOT NULL,
    "snapshot" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "revealed_at" TIMESTAMP,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE,
    "pool_id" INT NOT NULL REFERENCES "prize_pool" ("id") ON DELETE CASCADE,
    "prize_id" INT REFERENCES "prize" ("id") ON DELETE SET NULL
);
"""
    + INDEXES
)

POSTGRES = (
    """
CREATE TABLE IF NOT EXISTS "prize_pool" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(120) NOT NULL,
    "blank_weight" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "template_id" INT REFERENCES "card_template" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "prize" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(120) NOT NULL,
    "weight" INT NOT NULL,
    "stock" INT,
    "awarded" INT NOT NULL,
    "valid_days" INT,
    "position" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "pool_id" INT NOT NULL REFERENCES "prize_pool" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "lottery_draw" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "voucher_id" INT,
    "source" VARCHAR(16) NOT NULL,
    "seed" VARCHAR(64) NOT NULL,
    "commitment" VARCHAR(64) NOT NULL,
    "roll" BIGINT NOT NULL,
    "snapshot" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "revealed_at" TIMESTAMPTZ,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE,
    "pool_id" INT NOT NULL REFERENCES "prize_pool" ("id") ON DELETE CASCADE,
    "prize_id" INT REFERENCES "prize" ("id") ON DELETE SET NULL
);
"""
    + INDEXES
)


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'DROP TABLE IF EXISTS "lottery_draw"; DROP TABLE IF EXISTS "prize"; DROP TABLE IF EXISTS "prize_pool";'
