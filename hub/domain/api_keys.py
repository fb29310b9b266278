"""API keys per business. Only a SHA-256 of the key is stored."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from hub.domain.clock import utcnow
from hub.errors import Unauthorized
from hub.models import ApiKey
from hub.passwords import sha256_hex

ALL_SCOPES = ["read", "stamp", "redeem", "admin"]

# "Last used" is shown to the minute at best; writing it on every request would queue every
# API call of a business on this one row.
LAST_USED_EVERY = timedelta(minutes=1)


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
    key = await ApiKey.get_or_none(prefix=parts[1], revoked_at=None)
    if key is None or not hmac.compare_digest(key.key_hash, sha256_hex(plain)):
        raise Unauthorized("This API key is unknown or revoked.")
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        await ApiKey.filter(id=key.id).update(last_used_at=now)
    return key
