"""Staff seat sessions: log in with a login and PIN (behind the guess limiter), check the PIN
again, log out.

A session is a small dict kept in the device's server-side storage, with a stamp of the PIN it
was opened with. It is re-checked against the database on every page load and whenever the
seat's access ends (`access.ended`: revoked, PIN reset, logged out), so those end its open
pages at once.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from hub.domain import access, guesses
from hub.domain.businesses import authenticate_seat
from hub.errors import Unauthorized
from hub.models import Business, Location, StaffSeat
from hub.passwords import verify_password

SESSION_KEY = "seat"


@dataclass(frozen=True)
class SeatContext:
    """A logged-in seat with the names a scanner shows."""

    seat: StaffSeat
    location: Location
    business: Business

    @property
    def seat_id(self) -> int:
        return self.seat.id

    @property
    def business_id(self) -> int:
        return self.seat.business_id

    @property
    def location_id(self) -> int:
        return self.seat.location_id


def session_for(seat: StaffSeat) -> dict[str, Any]:
    return {
        "id": seat.id,
        "business_id": seat.business_id,
        "location_id": seat.location_id,
        "name": seat.name,
        "stamp": access.stamp(seat.password_hash),
    }


async def log_in(redis: Redis, prefix: str, login: str, password: str, *, ip: str, device: str) -> dict[str, Any]:
    """Check a seat's login and PIN from a device (its browser session id); returns the session
    dict to store.

    Raises RateLimited before checking anything while this device, or a device new to the
    login, must wait after wrong guesses (`hub.domain.guesses`), and Unauthorized for a wrong
    login or PIN. Another business's failures at the same address never slow this one.
    """
    login_key = (login or "").strip().lower()[:64]
    seat = await StaffSeat.get_or_none(login=login_key)
    seat = await guesses.sign_in_guarded(
        redis,
        prefix,
        f"seat:{login_key}",
        lambda: authenticate_seat(login_key, password),
        device=device,
        ip=ip,
        business=str(seat.business_id) if seat else "none",
    )
    return session_for(seat)


async def check_pin(redis: Redis, prefix: str, seat_id: int, password: str, *, device: str) -> None:
    """Re-enter the seat's PIN (the kiosk's staff controls) on a signed-in device; raises
    RateLimited or Unauthorized. Wrong PINs slow down this device only."""

    async def attempt() -> None:
        seat = await StaffSeat.get_or_none(id=seat_id, revoked_at=None)
        if seat is None or not verify_password(password or "", seat.password_hash):
            raise Unauthorized("Wrong PIN.")

    await guesses.reentry_guarded(redis, prefix, f"seat:{seat_id}", attempt, device=device)


async def current_seat(stored: Mapping[str, Any] | None) -> SeatContext | None:
    """The stored session's seat, or None when there is none or the seat was revoked or moved."""
    if not isinstance(stored, Mapping) or not isinstance(stored.get("id"), int):
        return None
    seat = await StaffSeat.get_or_none(id=stored["id"], revoked_at=None)
    if seat is None or seat.business_id != stored.get("business_id"):
        return None
    if stored.get("stamp") != access.stamp(seat.password_hash):
        return None
    location = await Location.get(id=seat.location_id)
    business = await Business.get(id=seat.business_id)
    return SeatContext(seat=seat, location=location, business=business)


async def log_out(storage: MutableMapping[str, Any]) -> None:
    """End this device's session; the device's other open pages of the seat end too."""
    stored = storage.pop(SESSION_KEY, None)
    if isinstance(stored, Mapping) and isinstance(stored.get("id"), int) and isinstance(stored.get("business_id"), int):
        await access.ended(stored["business_id"], "seat", stored["id"])
