"""Real Chromium for what needs a browser: the camera, the keyboard wedge, live pages.

One Chromium for the whole test session (contexts keep tests apart) and one server
process per module. The camera is Chromium's fake capture device reading a y4m file;
a test puts a video of a code into that file before the page opens the camera.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from hub.config import settings
from hub.realtime.redis import async_redis
from tests.camera import CAMERA_FILE, qr_scene, show_to_camera, write_y4m  # noqa: F401
from tests.conftest import REDIS_URL
from tests.contexts import close_context
from tests.servers import Server

# Generous for machines under load; a passing assertion returns as soon as it holds.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def server(web_server) -> Iterator[Server]:
    """`stamphub serve` on the test run's database, Redis and key prefix."""
    yield web_server


@pytest.fixture
async def context(browser: Browser, server: Server) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(base_url=server.url, permissions=["camera"])
    ctx.set_default_timeout(15_000)
    yield ctx
    await close_context(ctx)


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


async def sign_in(page: Page, login: str, pin: str, path: str = "/scanner") -> None:
    await _forget_sign_ins_from_this_machine()
    await page.goto(path)
    await page.get_by_label("Staff login").fill(login)
    await page.get_by_label("PIN").fill(pin)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_text("Log out" if path == "/scanner" else "Show your stamp card").first.wait_for()


async def _forget_sign_ins_from_this_machine() -> None:
    """Every browser test signs in from 127.0.0.1, and the per-address limit on sign-ins (a
    café's whole team) is not what these tests are about: each starts with a fresh count."""
    client = async_redis(REDIS_URL)
    try:
        keys = [k async for k in client.scan_iter(match=f"{settings().redis_prefix}:rl:seat-login-ip:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def scanner_types(page: Page, text: str, *, gap_ms: float = 4.0) -> None:
    """Key events as a USB scanner sends them: stamped `gap_ms` apart by the device, then Enter.

    The page reads each key's own timestamp, as it does for a real scanner, so a busy test
    machine delivering the events late does not turn the burst into "slow typing".
    """
    cdp = await page.context.new_cdp_session(page)
    at = time.time()
    try:
        for char in text:
            await cdp.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": char, "text": char, "timestamp": at})
            await cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": char, "timestamp": at + 0.001})
            at += gap_ms / 1000
        enter = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        await cdp.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": "\r", "timestamp": at, **enter})
        await cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "timestamp": at + 0.001, **enter})
    finally:
        await cdp.detach()


async def hold_connection(page: Page, seconds: float) -> None:
    """Let the page's live connection to the server open only `seconds` after it asks, as on a
    slow link: whatever the page does before then has no server to talk to."""

    async def late(ws: WebSocketRoute) -> None:
        await asyncio.sleep(seconds)
        ws.connect_to_server()

    await page.route_web_socket(re.compile(r".*/_nicegui_ws/.*"), late)


async def autopilot_on(page: Page, shop) -> None:
    await sign_in(page, shop.seat_login, shop.seat_password)
    await page.get_by_text("Auto-stamp", exact=True).click()
    await expect(page.get_by_text("Auto-stamp is on")).to_be_visible()
    await page.wait_for_function("window.StamphubWedge && window.StamphubWedge.enabled")
