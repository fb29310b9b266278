"""Owner sign-in to the back office: password checked behind the guess limiter, per device."""

from __future__ import annotations

from redis.asyncio import Redis

from hub.domain import guesses
from hub.domain.businesses import authenticate_owner
from hub.models import OwnerAccount


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
