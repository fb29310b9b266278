"""Regenerate migrations/models/0_init.py from the models, for both SQL dialects.

Only for the initial schema: later schema changes are new aerich migrations
(`aerich migrate`), each written to work on SQLite and PostgreSQL.
"""

import asyncio
from pathlib import Path

from tortoise import Tortoise
from tortoise.utils import get_schema_sql

TARGET = Path(__file__).resolve().parent.parent / "migrations" / "models" / "0_20261123000000_init.py"
URLS = {"sqlite": "sqlite://:memory:", "postgres": "postgres://postgres@127.0.0.1:5432/test"}


async def schema(url: str) -> str:
    config = {
        "connections": {"default": url},
        "use_tz": True,
        "apps": {"models": {"models": ["hub.models", "aerich.models"]}},
    }
    await Tortoise.init(config=config)
    try:
        return get_schema_sql(Tortoise.get_connection("default"), safe=True)
    finally:
        await Tortoise.close_connections()


async def main() -> None:
    sql = {name: await schema(url) for name, url in URLS.items()}
    TARGET.write_text(
        '"""Initial schema."""\n\nfrom tortoise import BaseDBAsyncClient\n\n'
        "RUN_IN_TRANSACTION = True\n\n"
        f"SQLITE = '''\n{sql['sqlite']}\n'''\n\nPOSTGRES = '''\n{sql['postgres']}\n'''\n\n\n"
        "async def upgrade(db: BaseDBAsyncClient) -> str:\n"
        '    return POSTGRES if db.capabilities.dialect == "postgres" else SQLITE\n\n\n'
        "async def downgrade(db: BaseDBAsyncClient) -> str:\n"
        '    return ""\n'
    )


if __name__ == "__main__":
    asyncio.run(main())
