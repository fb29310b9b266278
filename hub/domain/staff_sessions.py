"""Staff seat sessions: log in with a login and PIN (rate-limited), check the PIN again, log out.

A session is a small dict kept in the device's server-side storage. It is re-checked
against the database on every page load, so revoking a seat ends its sessions.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from hub import ratelimit
from hub.domain.businesses import authenticate_seat
from hub.errors import Unauthorized
from hub.models import Business, Location, StaffSeat
from hub.passwords import verify_password

SESSION_KEY = "seat"
# Per address: a café's devices share one address, so this allows a whole team's mistakes.
IP_LIMIT, IP_WINDOW = 30, 300
# Per login: a 4-digit PIN gets 10 guesses per 5 minutes, about 3 000 a day at most.
LOGIN_LIMIT, LOGIN_WINDOW = 10, 300
PIN_LIMIT, PIN_WINDOW = 5, 300


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
    return {"id": seat.id, "business_id": seat.business_id, "location_id": seat.location_id, "name": seat.name}


async def log_in(redis: Redis, prefix: str, login: str, password: str, *, ip: str) -> dict[str, Any]:
    """Check a seat's login and PIN; returns the session dict to store.

    Raises RateLimited before checking anything once an address or a login has had too
    many attempts, and Unauthorized for a wrong login or PIN.
    """
    login_key = (login or "").strip().lower()[:64]
    await ratelimit.hit(redis, prefix, f"seat-login-ip:{ip}", limit=IP_LIMIT, window=IP_WINDOW)
    await ratelimit.hit(redis, prefix, f"seat-login:{login_key}", limit=LOGIN_LIMIT, window=LOGIN_WINDOW)
    seat = await authenticate_seat(login_key, password)
    await ratelimit.reset(redis, prefix, f"seat-login:{login_key}", window=LOGIN_WINDOW)
    return session_for(seat)


async def check_pin(redis: Redis, prefix: str, seat_id: int, password: str) -> None:
    """Re-enter the seat's PIN (the kiosk's staff controls); raises RateLimited or Unauthorized."""
    await ratelimit.hit(redis, prefix, f"seat-pin:{seat_id}", limit=PIN_LIMIT, window=PIN_WINDOW)
    seat = await StaffSeat.get_or_none(id=seat_id, revoked_at=None)
    if seat is None or not verify_password(password or "", seat.password_hash):
        raise Unauthorized("Wrong PIN.")
    await ratelimit.reset(redis, prefix, f"seat-pin:{seat_id}", window=PIN_WINDOW)


async def current_seat(stored: Mapping[str, Any] | None) -> SeatContext | None:
    """The stored session's seat, or None when there is none or the seat was revoked or moved."""
    if not isinstance(stored, Mapping) or not isinstance(stored.get("id"), int):
        return None
    seat = await StaffSeat.get_or_none(id=stored["id"], revoked_at=None)
    if seat is None or seat.business_id != stored.get("business_id"):
        return None
    location = await Location.get(id=seat.location_id)
    business = await Business.get(id=seat.business_id)
    return SeatContext(seat=seat, location=location, business=business)


def log_out(storage: MutableMapping[str, Any]) -> None:
    storage.pop(SESSION_KEY, None)
