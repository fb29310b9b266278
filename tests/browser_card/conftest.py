"""Real Chromium for the customer card page: one browser per session, one server per module,
a phone-sized context per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page

from tests.contexts import close_context
from tests.servers import ROOT, Server

ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def card_server(web_server) -> Iterator[Server]:
    """`stamphub serve` on the test run's database, Redis and key prefix."""
    yield web_server


@pytest.fixture
async def phone(browser: Browser, card_server: Server) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(
        base_url=card_server.url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    await close_context(ctx)


@pytest.fixture
async def page(phone: BrowserContext) -> Page:
    return await phone.new_page()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
