"""The floor server's database on SQLite: one aiosqlite connection shaped like an asyncpg pool.

The app's SQLite client (hub/sqlite_client.py) holds one connection, lets one transaction at
a time use it, and begins each one immediate; this does the same, so the floor's statements
queue exactly as the app's do. Statements keep asyncpg's `$n` marks (in order) and become `?`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

UniqueViolation = sqlite3.IntegrityError


def _marks(sql: str) -> str:
    return re.sub(r"\$\d+", "?", sql)


class SqlitePool:
    def __init__(self, path: str) -> None:
        self.path = path

    async def open(self) -> SqlitePool:
        import asyncio

        self.conn = await aiosqlite.connect(self.path, isolation_level=None)
        self.conn.row_factory = aiosqlite.Row
        await self.conn.execute("PRAGMA busy_timeout = 5000")
        self.turn = asyncio.Lock()
        return self

    async def close(self) -> None:
        await self.conn.close()

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[SqlitePool]:
        async with self.turn:
            yield self

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        await self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            await self.conn.execute("ROLLBACK")
            raise
        await self.conn.execute("COMMIT")

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return [dict(row) for row in await self.conn.execute_fetchall(_marks(sql), args)]

    async def fetchrow(self, sql: str, *args: Any) -> dict[str, Any] | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        row = await self.fetchrow(sql, *args)
        return next(iter(row.values())) if row else None

    async def execute(self, sql: str, *args: Any) -> None:
        await self.conn.execute(_marks(sql), args)
