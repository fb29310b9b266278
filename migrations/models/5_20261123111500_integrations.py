"""Integrations: webhook endpoints, deliveries and attempts; delivery inserts; receipt QR keys
and used receipts; stored answers for API idempotency keys."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

INDEXES = """
CREATE INDEX IF NOT EXISTS "idx_webhook_delivery_endpoint" ON "webhook_delivery" ("endpoint_id", "id");
CREATE INDEX IF NOT EXISTS "idx_webhook_attempt_delivery" ON "webhook_attempt" ("delivery_id", "number");
CREATE INDEX IF NOT EXISTS "idx_webhook_endpoint_business" ON "webhook_endpoint" ("business_id");
CREATE INDEX IF NOT EXISTS "idx_insert_code_batch" ON "insert_code" ("batch_id", "used_at");
CREATE INDEX IF NOT EXISTS "idx_receipt_key_location" ON "receipt_key" ("location_id");
"""

SQLITE = (
    """
CREATE TABLE IF NOT EXISTS "api_idempotency" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(128) NOT NULL,
    "route" VARCHAR(120) NOT NULL,
    "request_hash" VARCHAR(64) NOT NULL,
    "status_code" INT NOT NULL,
    "response" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_api_idempot_busines_5ee103" UNIQUE ("business_id", "key")
) /* The stored answer to a POST, so a retried request with the same key gets the same answer. */;
CREATE TABLE IF NOT EXISTS "insert_batch" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "pool_id" INT,
    "size" INT NOT NULL,
    "expires_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "template_id" INT NOT NULL REFERENCES "card_template" ("id") ON DELETE CASCADE
) /* A print run of one-time QR codes for a stamp card: each gives a stamp or a lottery draw. */;
CREATE TABLE IF NOT EXISTS "insert_code" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "business_id" INT NOT NULL,
    "used_at" TIMESTAMP,
    "card_id" INT,
    "batch_id" INT NOT NULL REFERENCES "insert_batch" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_insert_code_busines_3d1738" ON "insert_code" ("business_id");
CREATE TABLE IF NOT EXISTS "receipt_key" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "secret" VARCHAR(64) NOT NULL,
    "pool_id" INT,
    "min_amount" INT NOT NULL,
    "amount_per_stamp" INT,
    "max_stamps" INT NOT NULL,
    "max_age_hours" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "retired_at" TIMESTAMP,
    "revoked_at" TIMESTAMP,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "location_id" INT NOT NULL REFERENCES "location" ("id") ON DELETE CASCADE,
    "template_id" INT NOT NULL REFERENCES "card_template" ("id") ON DELETE CASCADE
) /* A location's receipt secret and its stamp rule. Rotating retires the old key; revoking kills it. */;
CREATE TABLE IF NOT EXISTS "receipt_use" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key_id" INT NOT NULL,
    "receipt_id" VARCHAR(40) NOT NULL,
    "amount" INT NOT NULL,
    "issued_at" TIMESTAMP NOT NULL,
    "card_id" INT NOT NULL,
    "stamps" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "location_id" INT NOT NULL REFERENCES "location" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_receipt_use_locatio_499582" UNIQUE ("location_id", "receipt_id")
) /* A receipt that already gave its stamp; unique per location so it never gives another. */;
CREATE TABLE IF NOT EXISTS "webhook_endpoint" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "url" VARCHAR(500) NOT NULL,
    "description" VARCHAR(200) NOT NULL,
    "events" JSON NOT NULL,
    "secret" VARCHAR(80) NOT NULL,
    "active" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "deleted_at" TIMESTAMP,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
) /* A business's receiver URL and the event types it wants; `secret` signs every delivery. */;
CREATE TABLE IF NOT EXISTS "webhook_delivery" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "public_id" VARCHAR(40) NOT NULL UNIQUE,
    "dedupe_key" VARCHAR(80) NOT NULL UNIQUE,
    "event_id" BIGINT,
    "event_type" VARCHAR(40) NOT NULL,
    "payload" JSON NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "last_status_code" INT,
    "last_response_ms" INT,
    "last_error" VARCHAR(500) NOT NULL,
    "next_attempt_at" TIMESTAMP,
    "sending_until" TIMESTAMP,
    "delivered_at" TIMESTAMP,
    "replay_of" BIGINT,
    "created_at" TIMESTAMP NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "endpoint_id" INT NOT NULL REFERENCES "webhook_endpoint" ("id") ON DELETE CASCADE
) /* One event for one endpoint. `public_id` is the `Stamphub-Delivery` header receivers dedupe on. */;
CREATE INDEX IF NOT EXISTS "idx_webhook_del_status_d29a83" ON "webhook_delivery" ("status");
CREATE INDEX IF NOT EXISTS "idx_webhook_del_created_b8f7ae" ON "webhook_delivery" ("created_at");
CREATE TABLE IF NOT EXISTS "webhook_attempt" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "number" INT NOT NULL,
    "status_code" INT,
    "response_ms" INT NOT NULL,
    "error" VARCHAR(500) NOT NULL,
    "succeeded" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "delivery_id" BIGINT NOT NULL REFERENCES "webhook_delivery" ("id") ON DELETE CASCADE
) /* Every HTTP attempt of a delivery, kept for the admin's log. */;
"""
    + INDEXES
)

POSTGRES = (
    """
CREATE TABLE IF NOT EXISTS "api_idempotency" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(128) NOT NULL,
    "route" VARCHAR(120) NOT NULL,
    "request_hash" VARCHAR(64) NOT NULL,
    "status_code" INT NOT NULL,
    "response" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_api_idempot_busines_5ee103" UNIQUE ("business_id", "key")
);
CREATE TABLE IF NOT EXISTS "insert_batch" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(120) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "pool_id" INT,
    "size" INT NOT NULL,
    "expires_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "template_id" INT NOT NULL REFERENCES "card_template" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "insert_code" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "business_id" INT NOT NULL,
    "used_at" TIMESTAMPTZ,
    "card_id" INT,
    "batch_id" INT NOT NULL REFERENCES "insert_batch" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_insert_code_busines_3d1738" ON "insert_code" ("business_id");
CREATE TABLE IF NOT EXISTS "receipt_key" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "secret" VARCHAR(64) NOT NULL,
    "pool_id" INT,
    "min_amount" INT NOT NULL,
    "amount_per_stamp" INT,
    "max_stamps" INT NOT NULL,
    "max_age_hours" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "retired_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "location_id" INT NOT NULL REFERENCES "location" ("id") ON DELETE CASCADE,
    "template_id" INT NOT NULL REFERENCES "card_template" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "receipt_use" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "key_id" INT NOT NULL,
    "receipt_id" VARCHAR(40) NOT NULL,
    "amount" INT NOT NULL,
    "issued_at" TIMESTAMPTZ NOT NULL,
    "card_id" INT NOT NULL,
    "stamps" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "location_id" INT NOT NULL REFERENCES "location" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_receipt_use_locatio_499582" UNIQUE ("location_id", "receipt_id")
);
CREATE TABLE IF NOT EXISTS "webhook_endpoint" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "url" VARCHAR(500) NOT NULL,
    "description" VARCHAR(200) NOT NULL,
    "events" JSONB NOT NULL,
    "secret" VARCHAR(80) NOT NULL,
    "active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "deleted_at" TIMESTAMPTZ,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "webhook_delivery" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "public_id" VARCHAR(40) NOT NULL UNIQUE,
    "dedupe_key" VARCHAR(80) NOT NULL UNIQUE,
    "event_id" BIGINT,
    "event_type" VARCHAR(40) NOT NULL,
    "payload" JSONB NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "last_status_code" INT,
    "last_response_ms" INT,
    "last_error" VARCHAR(500) NOT NULL,
    "next_attempt_at" TIMESTAMPTZ,
    "sending_until" TIMESTAMPTZ,
    "delivered_at" TIMESTAMPTZ,
    "replay_of" BIGINT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "business_id" INT NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE,
    "endpoint_id" INT NOT NULL REFERENCES "webhook_endpoint" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_webhook_del_status_d29a83" ON "webhook_delivery" ("status");
CREATE INDEX IF NOT EXISTS "idx_webhook_del_created_b8f7ae" ON "webhook_delivery" ("created_at");
CREATE TABLE IF NOT EXISTS "webhook_attempt" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "number" INT NOT NULL,
    "status_code" INT,
    "response_ms" INT NOT NULL,
    "error" VARCHAR(500) NOT NULL,
    "succeeded" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "delivery_id" BIGINT NOT NULL REFERENCES "webhook_delivery" ("id") ON DELETE CASCADE
);
"""
    + INDEXES
)


async def upgrade(db: BaseDBAsyncClient) -> str:
    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE


TABLES = (
    "webhook_attempt",
    "webhook_delivery",
    "webhook_endpoint",
    "insert_code",
    "insert_batch",
    "receipt_use",
    "receipt_key",
    "api_idempotency",
)


async def downgrade(db: BaseDBAsyncClient) -> str:
    return " ".join(f'DROP TABLE IF EXISTS "{table}";' for table in TABLES)
