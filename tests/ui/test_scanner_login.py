"""Staff login on the scanner: PIN checked, attempts rate-limited, session kept, logout."""

from __future__ import annotations

import asyncio
import re

from nicegui import app
from nicegui.testing import User

from hub.domain import staff_sessions
from hub.domain.businesses import revoke_seat
from hub.domain.staff_sessions import LOGIN_LIMIT
from hub.models import Card

NO_CAMERA = {"ok": False, "error": "No camera found."}


def without_camera(user: User) -> None:
    """The simulated browser has no camera unless a test gave it one."""
    user.javascript_rules.setdefault(re.compile(r".*StamphubCamera\.start"), lambda _: NO_CAMERA)


async def sign_in(user: User, shop, path: str = "/scanner") -> None:
    without_camera(user)
    await user.open(path)
    user.find(marker="login").type(shop.seat_login)
    user.find(marker="pin").type(shop.seat_password)
    user.find(marker="sign-in").click()
    signed_in = "logout" if path == "/scanner" else "kiosk-prompt"
    # With several simulated users, the sign-in's navigation may reach another user's page
    # (NiceGUI patches ui.navigate per simulation); reopening the page is what a device does.
    for _ in range(50):
        try:
            await user.should_see(marker=signed_in, retries=30)
            return
        except AssertionError:
            await user.open(path)
    await user.should_see(marker=signed_in)


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


async def test_too_many_attempts_lock_the_login_even_with_the_right_pin(user: User, live, redis, shop):
    without_camera(user)
    await user.open("/scanner")
    user.find(marker="login").type(shop.seat_login)
    for _ in range(LOGIN_LIMIT):
        assert await attempt(user, "0000") == "Wrong staff login or PIN."
    assert "Too many attempts" in await attempt(user, shop.seat_password)
    await user.should_not_see(marker="logout")


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


async def test_an_open_scanner_stops_stamping_once_its_seat_is_revoked(user: User, live, redis, shop):
    await sign_in(user, shop)
    await revoke_seat(shop.business_id, shop.seat.id)
    user.find(marker="search").type(str(shop.card.number))
    user.find(marker="search-button").click()
    await user.should_see(marker=f"stamp-{shop.card.number}", retries=50)
    user.find(marker=f"stamp-{shop.card.number}").click()
    await user.should_see("This staff login was revoked", retries=50)
    assert (await Card.get(id=shop.card.id)).stamps == 0


async def test_a_redis_outage_does_not_lock_staff_out(shop):
    from hub.realtime.redis import async_redis

    down = async_redis("redis://127.0.0.1:1/0")
    try:
        session = await staff_sessions.log_in(down, "test", shop.seat_login, shop.seat_password, ip="10.0.0.1")
        await staff_sessions.check_pin(down, "test", shop.seat.id, shop.seat_password)
    finally:
        await down.aclose()
    assert session == {
        "id": shop.seat.id,
        "business_id": shop.business_id,
        "location_id": shop.location.id,
        "name": "Bar Counter",
    }
