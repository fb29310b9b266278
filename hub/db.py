"""Database connection and schema migrations (aerich)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url

from hub.config import settings

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


async def _keep_session(connection) -> None:
    """Pool release hook: no RESET ALL round trip after every query.

    The app keeps no session state (no SET, LISTEN, advisory locks or cursors), and asyncpg
    still rolls back a transaction left open before calling this.
    """


def tortoise_config(database_url: str | None = None) -> dict:
    url = database_url or settings().database_url
    connection: str | dict = url
    if url.startswith("sqlite://"):
        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
        connection = expand_db_url(url)
        connection["engine"] = "hub.sqlite_client"  # transactions begin immediate
    elif url.startswith("postgres://"):
        connection = expand_db_url(url)
        connection["credentials"].setdefault("reset", _keep_session)
    return {
        "connections": {"default": connection},
        "apps": {"models": {"models": ["hub.models", "aerich.models"]}},
        "use_tz": True,
        "timezone": "UTC",
    }


def __getattr__(name: str):  # aerich's CLI reads hub.db.TORTOISE_ORM
    if name == "TORTOISE_ORM":
        return tortoise_config()
    raise AttributeError(name)


async def connect(database_url: str | None = None) -> None:
    # The global fallback lets request handlers and background tasks created outside
    # the initialising task see the same connections.
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close() -> None:
    await Tortoise.close_connections()


async def migrate(database_url: str | None = None) -> list[str]:
    """Apply pending migrations; returns the names applied."""
    from aerich import Command

    command = Command(tortoise_config(database_url), app="models", location=MIGRATIONS)
    try:
        await command.init()
        try:
            applied = await command.init_db(safe=True)
        except FileExistsError:
            return await command.upgrade(run_in_transaction=True)
        return ["initial schema"] if applied else ["migrations/models/*"]
    finally:
        await command.aclose()


def dialect() -> str:
    return Tortoise.get_connection("default").capabilities.dialect


async def fetch(conn: BaseDBAsyncClient, sql: str, *values: Any) -> list[dict[str, Any]]:
    """A hand-written query on the hot path (the ORM builds each query anew, which costs more
    than running it). `{}` marks each parameter, in order, in either dialect."""
    marks = (
        [f"${i}" for i in range(1, len(values) + 1)] if conn.capabilities.dialect == "postgres" else ["?"] * len(values)
    )
    return await conn.execute_query_dict(sql.format(*marks), list(values))
