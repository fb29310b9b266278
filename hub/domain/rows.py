"""Models read with hand-written SQL on the hot paths (a scan, a card page's state): the ORM
builds each query anew, which costs more CPU than running it. The rows become ordinary model
instances, converted by the model's own fields, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from tortoise.models import Model

from hub.db import fetch

M = TypeVar("M", bound=Model)


@cache
def _columns(model: type[Model], alias: str) -> tuple[tuple[str, str], ...]:
    return tuple((f"{alias}_{col}", col) for col in model._meta.fields_db_projection.values())


@cache
def select_list(model: type[Model], alias: str) -> str:
    """The model's columns as `alias."col" AS "alias_col"`, so several models share one row."""
    return ", ".join(f'{alias}."{col}" AS "{key}"' for key, col in _columns(model, alias))


def model_from(model: type[M], row: dict[str, Any], alias: str) -> M:
    return model._init_from_db(**{col: row[key] for key, col in _columns(model, alias)})


@cache
def _select_sql(model: type[Model], where: str, order: str, limit: int | None) -> str:
    sql = f'SELECT {select_list(model, "x")} FROM "{model._meta.db_table}" x WHERE {where}'
    if order:
        sql += f" ORDER BY {order}"
    return sql + (f" LIMIT {int(limit)}" if limit is not None else "")


async def select(model: type[M], where: str, *values: Any, order: str = "", limit: int | None = None) -> list[M]:
    """Instances of `model` whose row (aliased `x`) matches `where`; `{}` marks each value."""
    rows = await fetch(model._meta.db, _select_sql(model, where, order, limit), *values)
    return [model_from(model, row, "x") for row in rows]
