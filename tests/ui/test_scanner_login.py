"""Staff login on the scanner: PIN checked, attempts rate-limited, session kept, logout."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from nicegui import app
from nicegui.testing import User

from hub.config import settings
from hub.domain import staff_sessions
from hub.domain.businesses import reset_seat_password, revoke_seat
from hub.errors import RateLimited, Unauthorized
from hub.models import Card
from hub.ui.scanner.desk import Desk
from tests.ui.seat_steps import sign_in, without_camera


async def test_a_seat_signs_in_and_sees_its_business_and_location(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.should_see("Main Street · Bar Counter")
    await user.should_see("Corner Café")
    await user.should_see("Ready to scan")


async def test_a_wrong_pin_is_refused(user: User, live, redis, shop):
    without_camera(user)
    await user.open("/scanner")
    user.find(marker="login").type(shop.seat_login)
    user.find(marker="pin").type("0000")
    user.find(marker="sign-in").click()
    await user.should_see("Wrong staff login or PIN.", retries=50)
    await user.should_not_see(marker="logout")


async def attempt(user: User, pin: str) -> str:
    """One sign-in attempt, waiting until it is answered; returns the error shown."""
    error = next(iter(user.find(marker="login-error").elements))
    error.text = ""
    user.find(marker="pin").clear().type(pin)
    user.find(marker="sign-in").click()
    for _ in range(100):
        if error.text:
            return error.text
        await asyncio.sleep(0.05)
    raise AssertionError("the sign-in attempt was not answered")


async def test_wrong_pins_make_the_guessing_device_wait_even_with_the_right_pin(
    user: User, live, redis, shop, clock_at
):
    clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    without_camera(user)
    await user.open("/scanner")
    user.find(marker="login").type(shop.seat_login)
    for _ in range(6):
        assert await attempt(user, "0000") == "Wrong staff login or PIN."
    assert "Too many attempts" in await attempt(user, shop.seat_password)
    await user.should_not_see(marker="logout")


async def test_the_counter_tablet_still_signs_in_while_a_stranger_guesses_the_pin(
    create_user, live, redis, shop, clock_at
):
    clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    tablet, stranger = create_user(), create_user()
    await sign_in(tablet, shop)
    tablet.find(marker="logout").click()
    await tablet.should_see(marker="sign-in", retries=50)
    without_camera(stranger)
    await stranger.open("/scanner")
    stranger.find(marker="login").type(shop.seat_login)
    for _ in range(12):
        await attempt(stranger, "0000")
    assert "Too many attempts" in await attempt(stranger, shop.seat_password)
    await sign_in(tablet, shop)
    await tablet.should_see("Main Street · Bar Counter")


async def test_another_business_guessing_at_the_same_address_never_slows_this_one(shop, other_shop, redis, clock_at):
    clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    prefix = settings().redis_prefix
    for n in range(60):  # a fresh device each time, all from the food court's one address
        with pytest.raises((Unauthorized, RateLimited)):
            await staff_sessions.log_in(
                redis, prefix, other_shop.seat_login, "0000", ip="198.51.100.7", device=f"bot-{n}"
            )
    session = await staff_sessions.log_in(
        redis, prefix, shop.seat_login, shop.seat_password, ip="198.51.100.7", device="new-tablet"
    )
    assert session["id"] == shop.seat.id


async def test_the_session_survives_a_reload_and_logout_ends_it(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/scanner")
    await user.should_see("Main Street · Bar Counter")
    user.find(marker="logout").click()
    await user.should_see(marker="sign-in", retries=50)
    assert "seat" not in app.storage.user


async def test_a_revoked_seat_is_signed_out_on_the_next_visit(user: User, live, redis, shop):
    await sign_in(user, shop)
    await revoke_seat(shop.business_id, shop.seat.id)
    await user.open("/scanner")
    await user.should_see(marker="sign-in")


async def test_a_scanner_that_outlives_its_seat_stamps_nothing(live, shop, secret):
    # The page ends when the seat is revoked (tests/realtime/test_ending_access.py); should it
    # outlive that (its event delayed), every action still checks the seat first.
    desk = Desk(await staff_sessions.current_seat(staff_sessions.session_for(shop.seat)), secret)
    await revoke_seat(shop.business_id, shop.seat.id)
    verdict = await desk.stamp_number(shop.card.number)
    assert verdict.reason == "revoked" and "This staff login was revoked" in verdict.detail
    assert (await Card.get(id=shop.card.id)).stamps == 0


async def test_a_scanner_that_outlives_a_pin_reset_stamps_nothing(live, shop, secret):
    desk = Desk(await staff_sessions.current_seat(staff_sessions.session_for(shop.seat)), secret)
    await reset_seat_password(shop.business_id, shop.seat.id, "9753")
    assert (await desk.stamp_number(shop.card.number)).reason == "revoked"
    assert (await Card.get(id=shop.card.id)).stamps == 0


async def test_a_redis_outage_does_not_lock_staff_out(shop):
    from hub.realtime.redis import async_redis

    down = async_redis("redis://127.0.0.1:1/0")
    try:
        session = await staff_sessions.log_in(
            down, "test", shop.seat_login, shop.seat_password, ip="10.0.0.1", device="tablet"
        )
        await staff_sessions.check_pin(down, "test", shop.seat.id, shop.seat_password, device="tablet")
    finally:
        await down.aclose()
    assert session == staff_sessions.session_for(shop.seat)
    assert session["id"] == shop.seat.id and session["location_id"] == shop.location.id
