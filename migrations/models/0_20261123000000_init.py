"""Initial schema."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQLITE = '''
CREATE TABLE IF NOT EXISTS "business" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "plan" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "api_key" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL UNIQUE,
    "key_hash" VARCHAR(64) NOT NULL,
    "scopes" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "last_used_at" TIMESTAMP,
    "revoked_at" TIMESTAMP,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
) /* Only a hash of the key is stored; the prefix finds the row without scanning. */;
CREATE TABLE IF NOT EXISTS "card_template" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "design" JSON NOT NULL,
    "stamps_required" INT NOT NULL,
    "reward_type" VARCHAR(16) NOT NULL,
    "reward_title" VARCHAR(120) NOT NULL,
    "voucher_valid_days" INT NOT NULL,
    "cooldown_seconds" INT NOT NULL,
    "daily_cap" INT,
    "version" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
) /* A stamp card: design plus mechanics. Published versions are frozen in CardTemplateVersion. */;
CREATE TABLE IF NOT EXISTS "card_template_version" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" INT NOT NULL,
    "snapshot" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "template_id" INT NOT NULL REFERENCES "card_template" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_card_templa_templat_b5f51e" UNIQUE ("template_id", "version")
);
CREATE TABLE IF NOT EXISTS "customer" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "email" VARCHAR(254),
    "birthday" DATE,
    "marketing_consent" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_customer_email_0c7dc6" ON "customer" ("email");
CREATE TABLE IF NOT EXISTS "card" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "number" INT NOT NULL UNIQUE,
    "token" VARCHAR(32) NOT NULL UNIQUE,
    "template_version" INT NOT NULL,
    "stamps" INT NOT NULL,
    "stamps_total" INT NOT NULL,
    "rounds_completed" INT NOT NULL,
    "platforms" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "last_stamp_at" TIMESTAMP,
    "deleted_at" TIMESTAMP,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "customer_id" INT NOT NULL REFERENCES "customer" ("id") ON DELETE CASCADE,
    "template_id" INT NOT NULL REFERENCES "card_template" ("id") ON DELETE CASCADE
) /* A customer's issued card. `number` is for staff search; `token` opens the card page. */;
CREATE TABLE IF NOT EXISTS "location" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "outbox_event" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "payload" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "claim" VARCHAR(32),
    "claimed_at" TIMESTAMP,
    "published_at" TIMESTAMP
) /* Events written in the operation's transaction, relayed to Redis after commit. */;
CREATE INDEX IF NOT EXISTS "idx_outbox_even_publish_917362" ON "outbox_event" ("published_at");
CREATE TABLE IF NOT EXISTS "owner_account" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "password_hash" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "staff_seat" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "login" VARCHAR(64) NOT NULL UNIQUE,
    "password_hash" VARCHAR(255) NOT NULL,
    "revoked_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "location_id" INT NOT NULL REFERENCES "location" ("id") ON DELETE CASCADE
) /* A "Staff Login": one per workstation; stamps are attributed to it. */;
CREATE TABLE IF NOT EXISTS "card_event" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "customer_id" INT NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "delta" INT NOT NULL,
    "stamps_after" INT NOT NULL,
    "voucher_id" INT,
    "idempotency_key" VARCHAR(128),
    "detail" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE,
    "location_id" INT REFERENCES "location" ("id") ON DELETE CASCADE,
    "seat_id" INT REFERENCES "staff_seat" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_card_event_busines_8e0d2d" UNIQUE ("business_id", "idempotency_key")
) /* The journal: one row per card operation, written in the operation's transaction. */;
CREATE INDEX IF NOT EXISTS "idx_card_event_custome_aa9468" ON "card_event" ("customer_id");
CREATE INDEX IF NOT EXISTS "idx_card_event_created_ddcd0f" ON "card_event" ("created_at");
CREATE TABLE IF NOT EXISTS "voucher" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title" VARCHAR(120) NOT NULL,
    "state" VARCHAR(16) NOT NULL /* ISSUED: issued\nACTIVE: active\nREDEEMED: redeemed\nEXPIRED: expired */,
    "source" VARCHAR(16) NOT NULL,
    "redeem_code" VARCHAR(16) NOT NULL UNIQUE,
    "note" VARCHAR(500) NOT NULL,
    "expires_at" TIMESTAMP,
    "redeemed_at" TIMESTAMP,
    "redeemed_via" VARCHAR(16),
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE,
    "redeemed_location_id" INT REFERENCES "location" ("id") ON DELETE CASCADE,
    "redeemed_seat_id" INT REFERENCES "staff_seat" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);
'''

POSTGRES = '''
CREATE TABLE IF NOT EXISTS "business" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(120) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "plan" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "api_key" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(120) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL UNIQUE,
    "key_hash" VARCHAR(64) NOT NULL,
    "scopes" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "api_key" IS 'Only a hash of the key is stored; the prefix finds the row without scanning.';
CREATE TABLE IF NOT EXISTS "card_template" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(120) NOT NULL,
    "design" JSONB NOT NULL,
    "stamps_required" INT NOT NULL,
    "reward_type" VARCHAR(16) NOT NULL,
    "reward_title" VARCHAR(120) NOT NULL,
    "voucher_valid_days" INT NOT NULL,
    "cooldown_seconds" INT NOT NULL,
    "daily_cap" INT,
    "version" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "card_template" IS 'A stamp card: design plus mechanics. Published versions are frozen in CardTemplateVersion.';
CREATE TABLE IF NOT EXISTS "card_template_version" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" INT NOT NULL,
    "snapshot" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "template_id" INT NOT NULL REFERENCES "card_template" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_card_templa_templat_b5f51e" UNIQUE ("template_id", "version")
);
CREATE TABLE IF NOT EXISTS "customer" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(120) NOT NULL,
    "email" VARCHAR(254),
    "birthday" DATE,
    "marketing_consent" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_customer_email_0c7dc6" ON "customer" ("email");
CREATE TABLE IF NOT EXISTS "card" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "number" INT NOT NULL UNIQUE,
    "token" VARCHAR(32) NOT NULL UNIQUE,
    "template_version" INT NOT NULL,
    "stamps" INT NOT NULL,
    "stamps_total" INT NOT NULL,
    "rounds_completed" INT NOT NULL,
    "platforms" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_stamp_at" TIMESTAMPTZ,
    "deleted_at" TIMESTAMPTZ,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "customer_id" INT NOT NULL REFERENCES "customer" ("id") ON DELETE CASCADE,
    "template_id" INT NOT NULL REFERENCES "card_template" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "card" IS 'A customer''s issued card. `number` is for staff search; `token` opens the card page.';
CREATE TABLE IF NOT EXISTS "location" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(120) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "outbox_event" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "claim" VARCHAR(32),
    "claimed_at" TIMESTAMPTZ,
    "published_at" TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS "idx_outbox_even_publish_917362" ON "outbox_event" ("published_at");
COMMENT ON TABLE "outbox_event" IS 'Events written in the operation''s transaction, relayed to Redis after commit.';
CREATE TABLE IF NOT EXISTS "owner_account" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "password_hash" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "staff_seat" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(120) NOT NULL,
    "login" VARCHAR(64) NOT NULL UNIQUE,
    "password_hash" VARCHAR(255) NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "location_id" INT NOT NULL REFERENCES "location" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "staff_seat" IS 'A \"Staff Login\": one per workstation; stamps are attributed to it.';
CREATE TABLE IF NOT EXISTS "card_event" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "customer_id" INT NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "delta" INT NOT NULL,
    "stamps_after" INT NOT NULL,
    "voucher_id" INT,
    "idempotency_key" VARCHAR(128),
    "detail" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE,
    "location_id" INT REFERENCES "location" ("id") ON DELETE CASCADE,
    "seat_id" INT REFERENCES "staff_seat" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_card_event_busines_8e0d2d" UNIQUE ("business_id", "idempotency_key")
);
CREATE INDEX IF NOT EXISTS "idx_card_event_custome_aa9468" ON "card_event" ("customer_id");
CREATE INDEX IF NOT EXISTS "idx_card_event_created_ddcd0f" ON "card_event" ("created_at");
COMMENT ON TABLE "card_event" IS 'The journal: one row per card operation, written in the operation''s transaction.';
CREATE TABLE IF NOT EXISTS "voucher" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(120) NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "redeem_code" VARCHAR(16) NOT NULL UNIQUE,
    "note" VARCHAR(500) NOT NULL,
    "expires_at" TIMESTAMPTZ,
    "redeemed_at" TIMESTAMPTZ,
    "redeemed_via" VARCHAR(16),
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE,
    "redeemed_location_id" INT REFERENCES "location" ("id") ON DELETE CASCADE,
    "redeemed_seat_id" INT REFERENCES "staff_seat" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "voucher"."state" IS 'ISSUED: issued\nACTIVE: active\nREDEEMED: redeemed\nEXPIRED: expired';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);
'''


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return ""
