"""Ending a credential: an API key or staff seat revoked, a password changed, a sign-out.

The change and its `access.ended` event commit together; every process then closes or
re-checks what it opened with that credential (`hub.realtime.access`). Sessions carry a stamp
of the password they were opened with, so a changed password ends them on their next check.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from tortoise.backends.base.client import BaseDBAsyncClient

from hub.realtime import outbox
from hub.realtime.events import AccessEnded

Kind = Literal["api_key", "seat", "owner"]


def stamp(password_hash: str) -> str:
    """Which password a session was opened with, without keeping the hash in the session."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


async def record_ended(conn: BaseDBAsyncClient, business_id: int, kind: Kind, subject_id: int) -> None:
    """Within the transaction that ends the credential."""
    event: AccessEnded = {"type": "access.ended", "business_id": business_id, "kind": kind, "subject_id": subject_id}
    await outbox.record(conn, event)


async def ended(business_id: int, kind: Kind, subject_id: int) -> None:
    """Nothing else changes in the database (a sign-out): only the event."""
    async with outbox.transaction() as conn:
        await record_ended(conn, business_id, kind, subject_id)
