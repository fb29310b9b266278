"""Businesses, their locations, staff seats and owner accounts."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from hub.clock import utcnow
from hub.domain import access
from hub.domain.plans import check_new_seat
from hub.domain.text import clean_email, clean_name, plain
from hub.errors import InvalidInput, NotFound, Unauthorized
from hub.models import Business, Location, OwnerAccount, StaffSeat
from hub.passwords import hash_password, verify_password
from hub.realtime import outbox


async def sign_up(business_name: str, email: str, password: str) -> OwnerAccount:
    business_name = clean_name(
        business_name, field="business_name", message="Name your business (up to 120 characters)."
    )
    email = clean_email(email, required=True) or ""
    if len(password or "") < 8:
        raise InvalidInput("Use at least 8 characters for the password.", field="password")
    if await OwnerAccount.exists(email=email):
        raise InvalidInput("An account with this email already exists.", field="email")
    async with in_transaction() as conn:
        business = await Business.create(name=business_name, using_db=conn)
        return await OwnerAccount.create(
            business_id=business.id, email=email, password_hash=hash_password(password), using_db=conn
        )


async def authenticate_owner(email: str, password: str) -> OwnerAccount:
    owner = await OwnerAccount.get_or_none(email=(email or "").strip().lower())
    if owner is None or not verify_password(password or "", owner.password_hash):
        raise Unauthorized("Wrong email or password.")
    return owner


async def add_location(business_id: int, name: str) -> Location:
    name = clean_name(name, field="name", message="Name the location (up to 120 characters).")
    return await Location.create(business_id=business_id, name=name)


async def add_seat(business_id: int, location_id: int, name: str, login: str, password: str) -> StaffSeat:
    location = await Location.get_or_none(id=location_id, business_id=business_id)
    if location is None:
        raise NotFound("No such location.")
    login = (login or "").strip().lower()
    if not login or len(login) > 64 or not plain(login) or await StaffSeat.exists(login=login):
        raise InvalidInput("Choose another login; this one is taken.", field="login")
    if len(password or "") < 4:
        raise InvalidInput("Use a PIN or password of at least 4 characters.", field="password")
    await check_new_seat(business_id)
    return await StaffSeat.create(
        business_id=business_id,
        location_id=location.id,
        name=clean_name(name or login, field="name", message="Name the staff login (up to 120 characters)."),
        login=login,
        password_hash=hash_password(password),
    )


async def authenticate_seat(login: str, password: str) -> StaffSeat:
    seat = await StaffSeat.get_or_none(login=(login or "").strip().lower(), revoked_at=None)
    if seat is None or not verify_password(password or "", seat.password_hash):
        raise Unauthorized("Wrong staff login or PIN.")
    return seat


async def revoke_seat(business_id: int, seat_id: int) -> None:
    """The seat's open scanners and kiosks end at once, on every device."""
    async with outbox.transaction() as conn:
        changed = await StaffSeat.filter(id=seat_id, business_id=business_id).using_db(conn).update(revoked_at=utcnow())
        if not changed:
            raise NotFound("No such staff login.")
        await access.record_ended(conn, business_id, "seat", seat_id)


async def rename_seat(business_id: int, seat_id: int, name: str) -> None:
    name = clean_name(name, field="name", message="Name the staff login (up to 120 characters).")
    if not await StaffSeat.filter(id=seat_id, business_id=business_id).update(name=name):
        raise NotFound("No such staff login.")


async def reset_seat_password(business_id: int, seat_id: int, password: str) -> None:
    """Devices signed in with the old PIN are signed out at once."""
    if len(password or "") < 4:
        raise InvalidInput("Use a PIN or password of at least 4 characters.", field="password")
    async with outbox.transaction() as conn:
        changed = (
            await StaffSeat.filter(id=seat_id, business_id=business_id, revoked_at=None)
            .using_db(conn)
            .update(password_hash=hash_password(password))
        )
        if not changed:
            raise NotFound("No such staff login.")
        await access.record_ended(conn, business_id, "seat", seat_id)
