"""Prize pools an owner runs: each edit of the odds publishes a numbered pool version (its
weighted list kept in `prize_pool_version`), every draw names the version it rolled against,
prizes carry a picture and can be retired, and a pool can be archived while the vouchers it
already gave stay as they are."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

_SQL = {
    "sqlite": (
        'ALTER TABLE "prize_pool" ADD COLUMN "version" INT NOT NULL DEFAULT 1;'
        'ALTER TABLE "prize_pool" ADD COLUMN "archived_at" TIMESTAMP;'
        'ALTER TABLE "prize" ADD COLUMN "image_url" VARCHAR(300);'
        'ALTER TABLE "prize" ADD COLUMN "retired_at" TIMESTAMP;'
        'ALTER TABLE "lottery_draw" ADD COLUMN "pool_version" INT NOT NULL DEFAULT 1;'
        'CREATE TABLE IF NOT EXISTS "prize_pool_version" ('
        '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,'
        '"version" INT NOT NULL,'
        '"entries" JSON NOT NULL,'
        '"created_at" TIMESTAMP NOT NULL,'
        '"pool_id" INT NOT NULL REFERENCES "prize_pool" ("id") ON DELETE CASCADE,'
        'CONSTRAINT "uid_prize_pool__pool_id_version" UNIQUE ("pool_id", "version"));'
    ),
    "postgres": (
        'ALTER TABLE "prize_pool" ADD COLUMN IF NOT EXISTS "version" INT NOT NULL DEFAULT 1;'
        'ALTER TABLE "prize_pool" ADD COLUMN IF NOT EXISTS "archived_at" TIMESTAMPTZ;'
        'ALTER TABLE "prize" ADD COLUMN IF NOT EXISTS "image_url" VARCHAR(300);'
        'ALTER TABLE "prize" ADD COLUMN IF NOT EXISTS "retired_at" TIMESTAMPTZ;'
        'ALTER TABLE "lottery_draw" ADD COLUMN IF NOT EXISTS "pool_version" INT NOT NULL DEFAULT 1;'
        'CREATE TABLE IF NOT EXISTS "prize_pool_version" ('
        '"id" SERIAL NOT NULL PRIMARY KEY,'
        '"version" INT NOT NULL,'
        '"entries" JSONB NOT NULL,'
        '"created_at" TIMESTAMPTZ NOT NULL,'
        '"pool_id" INT NOT NULL REFERENCES "prize_pool" ("id") ON DELETE CASCADE,'
        'CONSTRAINT "uid_prize_pool__pool_id_version" UNIQUE ("pool_id", "version"));'
    ),
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return _SQL["postgres" if db.capabilities.dialect == "postgres" else "sqlite"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return (
        'DROP TABLE IF EXISTS "prize_pool_version";'
        'ALTER TABLE "lottery_draw" DROP COLUMN "pool_version";'
        'ALTER TABLE "prize" DROP COLUMN "retired_at";'
        'ALTER TABLE "prize" DROP COLUMN "image_url";'
        'ALTER TABLE "prize_pool" DROP COLUMN "archived_at";'
        'ALTER TABLE "prize_pool" DROP COLUMN "version";'
    )
