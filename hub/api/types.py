"""What the API accepts at its edge, so that nothing the database cannot hold gets past it.

Integers are bounded to their column (32-bit ids and amounts; 64-bit for the few BIGINT ids):
a larger one answers 422 `invalid_input` instead of overflowing the database. Every request
body derives from `ApiModel`, whose text refuses control characters (PostgreSQL cannot store
NUL, and none belongs in a name or a description). tests/test_api_edges.py holds every route
to this: an integer without bounds or a body outside `ApiModel` fails it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, Field, field_validator

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=INT32_MAX)]
Amount = Annotated[int, Field(ge=0, le=INT32_MAX)]
IdPath = Annotated[int, Path(ge=1, le=INT32_MAX)]
BigIdPath = Annotated[int, Path(ge=1, le=INT64_MAX)]
IdQuery = Annotated[int | None, Query(ge=1, le=INT32_MAX)]
BigIdQuery = Annotated[int | None, Query(ge=1, le=INT64_MAX)]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


class ApiModel(BaseModel):
    """The base of every request body."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and has_control_characters(t) for t in texts):
            raise ValueError("contains control characters")
        return value


def db_int(text: str, *, maximum: int = INT32_MAX) -> int | None:
    """A decimal string outside the schema (PassKit paths, wallet URLs) as an int the database can
    hold; None when it is not one."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(maximum)):
        return None
    value = int(text)
    return value if value <= maximum else None
