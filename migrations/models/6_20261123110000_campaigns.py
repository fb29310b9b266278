"""Campaigns and automations: campaigns, deliveries (unique per campaign, customer, channel and
occasion), grants (one voucher or draw per recipient), contact preferences, messenger gateway."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

INDEXES = '''
CREATE INDEX IF NOT EXISTS "idx_campaign_business" ON "campaign" ("business_id", "kind");
CREATE INDEX IF NOT EXISTS "idx_campaign_delivery_claim" ON "campaign_delivery" ("claim");
'''

SQLITE = '''
CREATE TABLE IF NOT EXISTS "campaign" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "subject" VARCHAR(200) NOT NULL,
    "body" TEXT NOT NULL,
    "channels" JSON NOT NULL,
    "segment" JSON NOT NULL,
    "attachment" JSON NOT NULL,
    "settings" JSON NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "scheduled_at" TIMESTAMP,
    "started_at" TIMESTAMP,
    "finished_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_campaign_status_635758" ON "campaign" ("status");
CREATE TABLE IF NOT EXISTS "campaign_delivery" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "business_id" INT NOT NULL,
    "customer_id" INT NOT NULL,
    "card_id" INT NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "occasion" VARCHAR(40) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "reason" VARCHAR(32) NOT NULL,
    "detail" VARCHAR(255) NOT NULL,
    "claim" VARCHAR(32),
    "claimed_at" TIMESTAMP,
    "not_before" TIMESTAMP,
    "attempts" INT NOT NULL,
    "delivered_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "campaign_id" INT NOT NULL REFERENCES "campaign" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_campaign_de_campaig_e697f5" UNIQUE ("campaign_id", "customer_id", "channel", "occasion")
);
CREATE INDEX IF NOT EXISTS "idx_campaign_de_campaig_8d26dc" ON "campaign_delivery" ("campaign_id", "status");
CREATE INDEX IF NOT EXISTS "idx_campaign_de_card_id_91810f" ON "campaign_delivery" ("card_id", "id");
CREATE TABLE IF NOT EXISTS "campaign_grant" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "customer_id" INT NOT NULL,
    "occasion" VARCHAR(40) NOT NULL,
    "card_id" INT NOT NULL,
    "voucher_id" INT,
    "draw_id" INT,
    "created_at" TIMESTAMP NOT NULL,
    "campaign_id" INT NOT NULL REFERENCES "campaign" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_campaign_gr_campaig_9c21c8" UNIQUE ("campaign_id", "customer_id", "occasion")
);
CREATE TABLE IF NOT EXISTS "contact_preference" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "business_id" INT NOT NULL,
    "email_unsubscribed_at" TIMESTAMP,
    "messenger_unsubscribed_at" TIMESTAMP,
    "push_unsubscribed_at" TIMESTAMP,
    "messenger_hint" VARCHAR(16),
    "messenger_address" VARCHAR(128),
    "updated_at" TIMESTAMP NOT NULL,
    "customer_id" INT NOT NULL UNIQUE REFERENCES "customer" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_contact_pre_busines_a88ff8" ON "contact_preference" ("business_id");
CREATE TABLE IF NOT EXISTS "messenger_integration" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "base_url" VARCHAR(255) NOT NULL,
    "token" VARCHAR(255) NOT NULL,
    "hints" JSON NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "last_error" VARCHAR(255) NOT NULL,
    "connected_at" TIMESTAMP,
    "updated_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL UNIQUE REFERENCES "business" ("id") ON DELETE CASCADE
);
''' + INDEXES

POSTGRES = '''
CREATE TABLE IF NOT EXISTS "campaign" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "subject" VARCHAR(200) NOT NULL,
    "body" TEXT NOT NULL,
    "channels" JSONB NOT NULL,
    "segment" JSONB NOT NULL,
    "attachment" JSONB NOT NULL,
    "settings" JSONB NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "scheduled_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ,
    "finished_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_campaign_status_635758" ON "campaign" ("status");
CREATE TABLE IF NOT EXISTS "campaign_delivery" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "business_id" INT NOT NULL,
    "customer_id" INT NOT NULL,
    "card_id" INT NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "occasion" VARCHAR(40) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "reason" VARCHAR(32) NOT NULL,
    "detail" VARCHAR(255) NOT NULL,
    "claim" VARCHAR(32),
    "claimed_at" TIMESTAMPTZ,
    "not_before" TIMESTAMPTZ,
    "attempts" INT NOT NULL,
    "delivered_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "campaign_id" INT NOT NULL REFERENCES "campaign" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_campaign_de_campaig_e697f5" UNIQUE ("campaign_id", "customer_id", "channel", "occasion")
);
CREATE INDEX IF NOT EXISTS "idx_campaign_de_campaig_8d26dc" ON "campaign_delivery" ("campaign_id", "status");
CREATE INDEX IF NOT EXISTS "idx_campaign_de_card_id_91810f" ON "campaign_delivery" ("card_id", "id");
CREATE TABLE IF NOT EXISTS "campaign_grant" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "customer_id" INT NOT NULL,
    "occasion" VARCHAR(40) NOT NULL,
    "card_id" INT NOT NULL,
    "voucher_id" INT,
    "draw_id" INT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "campaign_id" INT NOT NULL REFERENCES "campaign" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_campaign_gr_campaig_9c21c8" UNIQUE ("campaign_id", "customer_id", "occasion")
);
CREATE TABLE IF NOT EXISTS "contact_preference" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "business_id" INT NOT NULL,
    "email_unsubscribed_at" TIMESTAMPTZ,
    "messenger_unsubscribed_at" TIMESTAMPTZ,
    "push_unsubscribed_at" TIMESTAMPTZ,
    "messenger_hint" VARCHAR(16),
    "messenger_address" VARCHAR(128),
    "updated_at" TIMESTAMPTZ NOT NULL,
    "customer_id" INT NOT NULL UNIQUE REFERENCES "customer" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_contact_pre_busines_a88ff8" ON "contact_preference" ("business_id");
CREATE TABLE IF NOT EXISTS "messenger_integration" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "base_url" VARCHAR(255) NOT NULL,
    "token" VARCHAR(255) NOT NULL,
    "hints" JSONB NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "last_error" VARCHAR(255) NOT NULL,
    "connected_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL UNIQUE REFERENCES "business" ("id") ON DELETE CASCADE
);
''' + INDEXES


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return (
        'DROP TABLE IF EXISTS "campaign_grant"; DROP TABLE IF EXISTS "campaign_delivery"; '
        'DROP TABLE IF EXISTS "campaign"; DROP TABLE IF EXISTS "contact_preference"; '
        'DROP TABLE IF EXISTS "messenger_integration";'
    )
