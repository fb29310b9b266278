"""The SQLite engine: tortoise's client, with transactions that take the write lock up front.

A deferred transaction that reads first and writes later cannot upgrade its lock once another
process has written meanwhile: SQLite answers "database is locked" at once, without waiting. An
immediate one (BEGIN IMMEDIATE) waits its turn for the busy timeout instead. Nearly every
transaction here writes, so nothing is lost by taking the lock when it begins.

Named as the connection's `engine` in `hub.db.tortoise_config`, the way tortoise picks a backend.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.exceptions import TransactionManagementError


class ImmediateTransaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransaction(self), self._lock)


client_class = ImmediateSqliteClient
