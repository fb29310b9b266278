"""API keys per business. Only a SHA-256 of the key is stored.

Every API request authenticates, so a verified key is remembered by this process for a
few seconds. Revoking emits `access.ended`; each process drops the key from its memory and
disconnects the sockets opened with it when that event arrives (see `forget_revoked` and
`hub.realtime.access`), and the few seconds bound how long a key could outlive its revocation
should that event be delayed.
"""

from __future__ import annotations

import hmac
import secrets
import time
from datetime import timedelta
from typing import Any

from hub.clock import utcnow
from hub.domain.access import record_ended
from hub.errors import NotFound, Unauthorized
from hub.models import ApiKey
from hub.passwords import sha256_hex
from hub.realtime import outbox

ALL_SCOPES = ["read", "stamp", "redeem", "admin"]

# "Last used" is shown to the minute at best; writing it on every request would queue every
# API call of a business on this one row.
LAST_USED_EVERY = timedelta(minutes=1)
REMEMBER_SECONDS = 5.0

_verified: dict[str, tuple[float, ApiKey]] = {}


async def create_api_key(business_id: int, name: str, scopes: list[str] | None = None) -> tuple[ApiKey, str]:
    """Returns the row and the plain key, which is shown once and never stored."""
    prefix = secrets.token_hex(6)
    plain = f"sh_{prefix}_{secrets.token_urlsafe(24)}"
    key = await ApiKey.create(
        business_id=business_id, name=name, prefix=prefix, key_hash=sha256_hex(plain), scopes=scopes or ALL_SCOPES
    )
    return key, plain


async def authenticate_api_key(plain: str) -> ApiKey:
    parts = (plain or "").split("_")
    if len(parts) < 3 or parts[0] != "sh":
        raise Unauthorized("Send a valid API key as `Authorization: Bearer <key>`.")
    digest = sha256_hex(plain)
    remembered = _verified.get(digest)
    if remembered and time.monotonic() - remembered[0] < REMEMBER_SECONDS:
        key = remembered[1]
    else:
        key = await ApiKey.get_or_none(prefix=parts[1], revoked_at=None)
        if key is None or not hmac.compare_digest(key.key_hash, digest):
            _verified.pop(digest, None)
            raise Unauthorized("This API key is unknown or revoked.")
        if len(_verified) > 10000:
            _verified.clear()
        _verified[digest] = (time.monotonic(), key)
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        key.last_used_at = now
        await ApiKey.filter(id=key.id).update(last_used_at=now)
    return key


async def revoke_api_key(business_id: int, key_id: int) -> None:
    """Systems using the key stop at once: this process forgets it now, the others on the event."""
    async with outbox.transaction() as conn:
        changed = (
            await ApiKey.filter(id=key_id, business_id=business_id, revoked_at=None)
            .using_db(conn)
            .update(revoked_at=utcnow())
        )
        if not changed:
            raise NotFound("No such active API key.")
        await record_ended(conn, business_id, "api_key", key_id)
    _forget(key_id)


def _forget(key_id: int) -> None:
    for digest, (_, key) in list(_verified.items()):
        if key.id == key_id:
            _verified.pop(digest, None)


def forget_revoked(event: dict[str, Any]) -> None:
    """Event bus handler: a key revoked by any process stops working here too."""
    if event.get("type") == "access.ended" and event.get("kind") == "api_key":
        _forget(int(event["subject_id"]))
