"""Ending access ends it everywhere: revoking an API key or a staff seat, resetting a PIN,
changing the owner's password or signing out closes every socket and page opened with it,
within a second, while the other sessions carry on."""

from __future__ import annotations

import asyncio
import time

import pytest
from nicegui import Client
from nicegui.testing import User

from hub.config import settings
from hub.domain.api_keys import create_api_key, revoke_api_key
from hub.domain.businesses import reset_seat_password, revoke_seat
from hub.models import OwnerAccount
from tests.realtime.sockets import Watcher
from tests.ui.seat_steps import sign_in as seat_signs_in

WITHIN = 1.0  # seconds


async def owner_signs_in(user: User, shop) -> None:
    """The login form, then the overview (with several simulated users, the form's own navigation
    may reach another user's page; opening it is what a browser does next anyway)."""
    await user.open("/admin/login")
    user.find(marker="email").type(shop.owner_email)
    user.find(marker="password").type(shop.owner_password)
    user.find(marker="sign-in").click()
    for _ in range(50):
        await asyncio.sleep(0.1)
        await user.open("/admin")
        try:
            await user.should_see(marker="business-name", retries=1)
            return
        except AssertionError:
            continue
    raise AssertionError("the owner could not sign in")


async def ended_within(client: Client, seconds: float = WITHIN) -> float:
    started = time.monotonic()
    while not client.is_deleted:
        if time.monotonic() - started > seconds:
            raise AssertionError(f"the page {client.page.path} was still open after {seconds} s")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


@pytest.fixture(scope="module")
def server(web_server):
    yield web_server


async def test_revoking_an_api_key_disconnects_its_sockets(server, shop, live):
    key, plain = await create_api_key(shop.business_id, "dashboard")
    revoked = await Watcher().connect(server.url, {"api_key": plain})
    other = await Watcher().connect(server.url, {"api_key": shop.api_key})
    revoked.client.reconnection = False
    try:
        await revoke_api_key(shop.business_id, key.id)
        started = time.monotonic()
        while revoked.client.connected and time.monotonic() - started < WITHIN:
            await asyncio.sleep(0.02)
        assert not revoked.client.connected, "the socket of a revoked key is still connected"
        assert other.client.connected
        with pytest.raises(Exception):  # noqa: B017 (socketio's ConnectionError)
            await Watcher().connect(server.url, {"api_key": plain})
    finally:
        await revoked.close()
        await other.close()


async def test_revoking_a_seat_ends_its_open_scanner_and_kiosk(create_user, live, redis, shop):
    scanner, kiosk = create_user(), create_user()
    await seat_signs_in(scanner, shop)
    await seat_signs_in(kiosk, shop, "/kiosk")
    pages = [scanner.client, kiosk.client]
    await revoke_seat(shop.business_id, shop.seat.id)
    for page in pages:
        await ended_within(page)


async def test_resetting_a_pin_signs_the_seat_out_everywhere(create_user, live, redis, shop):
    tablet = create_user()
    await seat_signs_in(tablet, shop)
    page = tablet.client
    await reset_seat_password(shop.business_id, shop.seat.id, "8642")
    await ended_within(page)
    await tablet.open("/scanner")
    await tablet.should_see(marker="sign-in")


async def test_changing_the_password_ends_the_other_devices_pages(create_user, live, redis, shop):
    laptop, phone = create_user(), create_user()
    await owner_signs_in(laptop, shop)
    await owner_signs_in(phone, shop)
    await phone.open("/admin/cards")
    page = phone.client
    from hub.domain.owner_sessions import change_password  # the feature this test brought

    owner = await OwnerAccount.get(email=shop.owner_email)
    await change_password(
        redis, settings().redis_prefix, owner.id, shop.owner_password, "a brand new secret", device="laptop"
    )
    await ended_within(page)
    await phone.open("/admin")
    await phone.should_see(marker="sign-in")


async def test_the_device_that_changed_the_password_stays_signed_in(user: User, live, redis, shop):
    await owner_signs_in(user, shop)
    await user.open("/admin/account")
    user.find(marker="current-password").type(shop.owner_password)
    user.find(marker="new-password").type("a brand new secret")
    user.find(marker="change-password").click()
    await user.should_see("Every other device was signed out", retries=50)
    await asyncio.sleep(WITHIN)
    assert not user.client.is_deleted
    await user.open("/admin")
    await user.should_see(marker="business-name")


async def test_signing_out_ends_the_browsers_other_tabs_but_not_other_browsers(create_user, live, redis, shop):
    tab, other_tab, other_browser = create_user(), create_user(), create_user()
    await owner_signs_in(tab, shop)
    other_tab.http_client.cookies = tab.http_client.cookies  # the same browser
    await other_tab.open("/admin/journal")
    await other_tab.should_see(marker="business-name")
    await owner_signs_in(other_browser, shop)
    same_browser, elsewhere = other_tab.client, other_browser.client
    await tab.open("/admin/logout")
    await ended_within(same_browser)
    await asyncio.sleep(0.3)
    assert not elsewhere.is_deleted


async def test_logging_a_seat_out_ends_the_devices_other_pages(create_user, live, redis, shop):
    scanner, kiosk_tab = create_user(), create_user()
    await seat_signs_in(scanner, shop)
    kiosk_tab.http_client.cookies = scanner.http_client.cookies  # the same tablet
    await kiosk_tab.open("/kiosk")
    await kiosk_tab.should_see(marker="kiosk-prompt")
    kiosk_page = kiosk_tab.client
    scanner.find(marker="logout").click()
    await ended_within(kiosk_page)
