"""Guesses at secrets (owner passwords, staff PINs, redeem codes), whatever the transport.

Every check of a guessable secret runs through `guarded`, with buckets keyed by what is
protected and by whom: a business and the client asking (an API caller's address, a staff
seat), an account and the device. Past a bucket's free attempts each wrong guess doubles the
wait before the next attempt (1 s, 2 s, 4 s, … at most 15 minutes) instead of locking the
secret's owner out: a stranger's failures never slow another business, and a device that
signed in to an account before keeps signing in while strangers are kept waiting.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from hub.errors import NotFound, Unauthorized
from hub.ratelimit import Backoff, forget, refund, take

T = TypeVar("T")

# A wrong guess; anything else (a typo caught by a check character, an outage) is not counted.
WRONG = (Unauthorized, NotFound)
KNOWN_DEVICE_DAYS = 180


def fingerprint(value: str) -> str:
    """A short stable digest: device ids and emails never appear in Redis keys as they are."""
    return hashlib.sha256(value.encode()).hexdigest()[:24]


async def guarded(
    redis: Redis,
    prefix: str,
    buckets: list[Backoff],
    attempt: Callable[[], Awaitable[T]],
    *,
    forget_on_success: list[Backoff] | None = None,
) -> T:
    """Run `attempt` (which checks the secret) behind `buckets`.

    Raises RateLimited without running it while any bucket waits. A wrong guess (`WRONG`)
    counts; a right one does not, and empties `forget_on_success`.
    """
    await take(redis, prefix, buckets)
    try:
        result = await attempt()
    except WRONG:
        raise
    except BaseException:
        await refund(redis, prefix, buckets)
        raise
    cleared = forget_on_success or []
    await refund(redis, prefix, [b for b in buckets if b not in cleared])
    await forget(redis, prefix, cleared)
    return result


# --- Accounts and devices ----------------------------------------------------------------------


def _known_key(prefix: str, account: str) -> str:
    return f"{prefix}:known:{fingerprint(account)}"


async def known_device(redis: Redis, prefix: str, account: str, device: str) -> bool:
    """Whether this device signed in to the account before (within 180 days)."""
    if not device:
        return False
    try:
        return bool(await redis.sismember(_known_key(prefix, account), fingerprint(device)))
    except (RedisError, OSError):
        return False


async def remember_device(redis: Redis, prefix: str, account: str, device: str) -> None:
    if not device:
        return
    key = _known_key(prefix, account)
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.sadd(key, fingerprint(device))
            pipe.expire(key, KNOWN_DEVICE_DAYS * 86400)
            await pipe.execute()
    except (RedisError, OSError):
        pass


async def sign_in_guarded(
    redis: Redis,
    prefix: str,
    account: str,
    attempt: Callable[[], Awaitable[T]],
    *,
    device: str,
    ip: str,
    business: str,
) -> T:
    """A password or PIN sign-in to `account` (e.g. `owner:ann@example.com`) from a device.

    The device's own bucket allows 5 wrong guesses before the delay starts. A device that
    signed in to this account before is judged by that bucket alone; any other device also
    counts in the (business, address) bucket and in the account's bucket for new devices, so
    guessing from many devices or addresses is slowed down as well, without ever touching the
    devices the account's owner uses.
    """
    mine = Backoff(f"signin:{fingerprint(account)}:device:{fingerprint(device or ip)}", free=5)
    buckets = [mine]
    if not await known_device(redis, prefix, account, device):
        buckets += [
            Backoff(f"signin:{business}:ip:{ip}", free=30),
            Backoff(f"signin:{fingerprint(account)}:new-devices", free=20),
        ]
    result = await guarded(redis, prefix, buckets, attempt, forget_on_success=[mine])
    await remember_device(redis, prefix, account, device)
    return result


async def reentry_guarded(
    redis: Redis, prefix: str, account: str, attempt: Callable[[], Awaitable[T]], *, device: str
) -> T:
    """A signed-in device asked again for its account's secret (a seat's PIN to unlock the
    kiosk's staff controls, an owner's current password before changing it).

    A stolen or unattended session must not become a free guessing machine for the secret it
    lacks: 5 free wrong answers, then the doubling wait. Only this device is slowed.
    """
    mine = Backoff(f"reentry:{fingerprint(account)}:device:{fingerprint(device)}", free=5)
    return await guarded(redis, prefix, [mine], attempt, forget_on_success=[mine])


def redeem_buckets(business_id: int, client: str) -> list[Backoff]:
    """Redeem codes of a business guessed by one client (an API caller's address, a staff seat):
    10 free per client; 100 free for the business as a whole, so many clients cannot share out
    the guessing either."""
    return [
        Backoff(f"redeem:{business_id}:client:{client}", free=10),
        Backoff(f"redeem:{business_id}", free=100),
    ]
