"""Languages: the one a business's customer pages, e-mails and passes speak when the customer's
browser names none of the offered ones (hub.domain.businesses.set_card_language), and the one
each customer joined in, which their e-mails and wallet pass keep speaking."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

_COLUMNS = {
    "sqlite": (
        """ALTER TABLE "business" ADD COLUMN "language" VARCHAR(16) NOT NULL DEFAULT 'en';"""
        """ALTER TABLE "customer" ADD COLUMN "language" VARCHAR(16);"""
    ),
    "postgres": (
        """ALTER TABLE "business" ADD COLUMN IF NOT EXISTS "language" VARCHAR(16) NOT NULL DEFAULT 'en';"""
        """ALTER TABLE "customer" ADD COLUMN IF NOT EXISTS "language" VARCHAR(16);"""
    ),
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return _COLUMNS["postgres" if db.capabilities.dialect == "postgres" else "sqlite"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'ALTER TABLE "business" DROP COLUMN "language";ALTER TABLE "customer" DROP COLUMN "language";'
