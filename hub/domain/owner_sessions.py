"""Owner sessions in the back office: sign-in (password checked behind the guess limiter, per
device), the session's re-check on every page, password change and sign-out.

A session is a small dict kept in the browser's server-side storage, with a stamp of the
password it was opened with: changing the password ends every other session at its next
check, and the `access.ended` event makes every open page check at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redis.asyncio import Redis

from hub.domain import access, guesses
from hub.domain.businesses import authenticate_owner
from hub.errors import InvalidInput, Unauthorized
from hub.models import OwnerAccount
from hub.passwords import hash_password, verify_password
from hub.realtime import outbox

MIN_PASSWORD = 8


def session_for(owner: OwnerAccount) -> dict[str, Any]:
    return {
        "id": owner.id,
        "business_id": owner.business_id,
        "email": owner.email,
        "stamp": access.stamp(owner.password_hash),
    }


async def current_owner(stored: Mapping[str, Any] | None) -> OwnerAccount | None:
    """The stored session's owner, or None when there is none or its password changed since."""
    if not isinstance(stored, Mapping) or not isinstance(stored.get("id"), int):
        return None
    owner = await OwnerAccount.get_or_none(id=stored["id"], business_id=stored.get("business_id"))
    if owner is None or stored.get("stamp") != access.stamp(owner.password_hash):
        return None
    return owner


async def log_out(owner: OwnerAccount) -> None:
    """After the browser's session was removed: its other open pages end too."""
    await access.ended(owner.business_id, "owner", owner.id)


async def change_password(
    redis: Redis, prefix: str, owner_id: int, current: str, new: str, *, device: str
) -> OwnerAccount:
    """Every session opened with the old password ends, on every device (the caller signs its
    own browser in again with the returned owner). The current password is checked behind the
    guess limiter: raises RateLimited while this device must wait after wrong answers."""
    if len(new or "") < MIN_PASSWORD:
        raise InvalidInput(f"Use at least {MIN_PASSWORD} characters for the password.", field="password")

    async def attempt() -> OwnerAccount:
        owner = await OwnerAccount.get(id=owner_id)
        if not verify_password(current or "", owner.password_hash):
            raise Unauthorized("Your current password is not right.", field="current")
        return owner

    owner = await guesses.reentry_guarded(redis, prefix, f"owner:{owner_id}", attempt, device=device)
    owner.password_hash = hash_password(new)
    async with outbox.transaction() as conn:
        await OwnerAccount.filter(id=owner.id).using_db(conn).update(password_hash=owner.password_hash)
        await access.record_ended(conn, owner.business_id, "owner", owner.id)
    return owner


async def log_in(redis: Redis, prefix: str, email: str, password: str, *, device: str, ip: str) -> OwnerAccount:
    """Check an owner's email and password from a device (its browser session id) and address.

    Raises RateLimited while this device, or a device new to the account, must wait after
    wrong guesses (`hub.domain.guesses.sign_in_guarded`); Unauthorized for a wrong password.
    """
    address = (email or "").strip().lower()[:254]
    account = await OwnerAccount.get_or_none(email=address)
    return await guesses.sign_in_guarded(
        redis,
        prefix,
        f"owner:{address}",
        lambda: authenticate_owner(address, password),
        device=device,
        ip=ip,
        business=str(account.business_id) if account else "none",
    )
