"""Wallet passes: pass renditions, Apple devices and registrations, deliveries, Google sync."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQLITE = """
CREATE TABLE IF NOT EXISTS "wallet_device" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "library_id" VARCHAR(128) NOT NULL UNIQUE,
    "push_token" VARCHAR(256) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
) /* An Apple device that holds our passes (PassKit deviceLibraryIdentifier). */;
CREATE TABLE IF NOT EXISTS "wallet_pass" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "digest" VARCHAR(64) NOT NULL,
    "version" INT NOT NULL,
    "template_version" INT NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "notice" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "card_id" INT NOT NULL UNIQUE REFERENCES "card" ("id") ON DELETE CASCADE
) /* The current rendition of a card's pass, shared by Apple and Google. */;
CREATE INDEX IF NOT EXISTS "idx_wallet_pass_updated_dc0bf8" ON "wallet_pass" ("updated_at");
CREATE TABLE IF NOT EXISTS "wallet_registration" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "listed_version" INT NOT NULL,
    "listed_at" TIMESTAMP,
    "fetched_version" INT NOT NULL,
    "fetched_at" TIMESTAMP,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE,
    "device_id" INT NOT NULL REFERENCES "wallet_device" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_wallet_regi_device__013d36" UNIQUE ("device_id", "card_id")
) /* A device registered for updates of one card's pass. */;
CREATE TABLE IF NOT EXISTS "wallet_delivery" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(96) NOT NULL UNIQUE,
    "platform" VARCHAR(8) NOT NULL,
    "registration_id" INT,
    "pass_version" INT NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "detail" VARCHAR(255) NOT NULL,
    "attempts" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "accepted_at" TIMESTAMP,
    "fetched_at" TIMESTAMP,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE
) /* One push of one pass version to one Apple device or to the Google object. */;
CREATE INDEX IF NOT EXISTS "idx_wallet_deli_registr_cb7718" ON "wallet_delivery" ("registration_id");
CREATE INDEX IF NOT EXISTS "idx_wallet_deli_created_ccc47d" ON "wallet_delivery" ("created_at");
CREATE TABLE IF NOT EXISTS "google_wallet_class" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" INT NOT NULL,
    "class_id" VARCHAR(200) NOT NULL UNIQUE,
    "synced_at" TIMESTAMP NOT NULL,
    "template_id" INT NOT NULL REFERENCES "card_template" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_google_wall_templat_b97c16" UNIQUE ("template_id", "version")
) /* A LoyaltyClass created in Google Wallet for one published template version. */;
CREATE TABLE IF NOT EXISTS "google_wallet_object" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "object_id" VARCHAR(200) NOT NULL UNIQUE,
    "class_id" VARCHAR(200) NOT NULL,
    "synced_version" INT NOT NULL,
    "synced_at" TIMESTAMP,
    "status" VARCHAR(16) NOT NULL,
    "has_users" INT NOT NULL,
    "messages_day" DATE,
    "messages_sent" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "card_id" INT NOT NULL UNIQUE REFERENCES "card" ("id") ON DELETE CASCADE
) /* A card's LoyaltyObject in Google Wallet and the state of its last sync. */;
"""

POSTGRES = """
CREATE TABLE IF NOT EXISTS "wallet_device" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "library_id" VARCHAR(128) NOT NULL UNIQUE,
    "push_token" VARCHAR(256) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "wallet_device" IS 'An Apple device that holds our passes (PassKit deviceLibraryIdentifier).';
CREATE TABLE IF NOT EXISTS "wallet_pass" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "digest" VARCHAR(64) NOT NULL,
    "version" INT NOT NULL,
    "template_version" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "notice" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "card_id" INT NOT NULL UNIQUE REFERENCES "card" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_wallet_pass_updated_dc0bf8" ON "wallet_pass" ("updated_at");
COMMENT ON TABLE "wallet_pass" IS 'The current rendition of a card''s pass, shared by Apple and Google.';
CREATE TABLE IF NOT EXISTS "wallet_registration" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "listed_version" INT NOT NULL,
    "listed_at" TIMESTAMPTZ,
    "fetched_version" INT NOT NULL,
    "fetched_at" TIMESTAMPTZ,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE,
    "device_id" INT NOT NULL REFERENCES "wallet_device" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_wallet_regi_device__013d36" UNIQUE ("device_id", "card_id")
);
COMMENT ON TABLE "wallet_registration" IS 'A device registered for updates of one card''s pass.';
CREATE TABLE IF NOT EXISTS "wallet_delivery" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(96) NOT NULL UNIQUE,
    "platform" VARCHAR(8) NOT NULL,
    "registration_id" INT,
    "pass_version" INT NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "detail" VARCHAR(255) NOT NULL,
    "attempts" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "accepted_at" TIMESTAMPTZ,
    "fetched_at" TIMESTAMPTZ,
    "card_id" INT NOT NULL REFERENCES "card" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_wallet_deli_registr_cb7718" ON "wallet_delivery" ("registration_id");
CREATE INDEX IF NOT EXISTS "idx_wallet_deli_created_ccc47d" ON "wallet_delivery" ("created_at");
COMMENT ON TABLE "wallet_delivery" IS 'One push of one pass version to one Apple device or to the Google object.';
CREATE TABLE IF NOT EXISTS "google_wallet_class" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" INT NOT NULL,
    "class_id" VARCHAR(200) NOT NULL UNIQUE,
    "synced_at" TIMESTAMPTZ NOT NULL,
    "template_id" INT NOT NULL REFERENCES "card_template" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_google_wall_templat_b97c16" UNIQUE ("template_id", "version")
);
COMMENT ON TABLE "google_wallet_class" IS 'A LoyaltyClass created in Google Wallet for one published template version.';
CREATE TABLE IF NOT EXISTS "google_wallet_object" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "object_id" VARCHAR(200) NOT NULL UNIQUE,
    "class_id" VARCHAR(200) NOT NULL,
    "synced_version" INT NOT NULL,
    "synced_at" TIMESTAMPTZ,
    "status" VARCHAR(16) NOT NULL,
    "has_users" BOOL NOT NULL,
    "messages_day" DATE,
    "messages_sent" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "card_id" INT NOT NULL UNIQUE REFERENCES "card" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "google_wallet_object" IS 'A card''s LoyaltyObject in Google Wallet and the state of its last sync.';
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
    DROP TABLE IF EXISTS "google_wallet_object";
    DROP TABLE IF EXISTS "google_wallet_class";
    DROP TABLE IF EXISTS "wallet_delivery";
    DROP TABLE IF EXISTS "wallet_registration";
    DROP TABLE IF EXISTS "wallet_pass";
    DROP TABLE IF EXISTS "wallet_device";
    """
