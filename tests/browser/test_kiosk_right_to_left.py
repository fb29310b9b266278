"""The self-service kiosk in Arabic on a 1024 x 768 tablet: the page turns right to left."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from hub.i18n import Lang, catalog, problems, template_ids
from tests.browser.conftest import sign_in
from tests.catalogues import stand_in, write_catalogue
from tests.contexts import close_context
from tests.servers import ROOT, Server, running_server

pytestmark = pytest.mark.browser

TABLET = {"width": 1024, "height": 768}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """A server that offers Arabic: its shipped catalogue once complete, a stand-in until then."""
    root = tmp_path_factory.mktemp("locales")
    shipped = catalog("ar")
    if shipped is None or problems(shipped, template_ids()):
        write_catalogue(root, "ar")
    with running_server(LOCALES_DIR=str(root)) as process:
        yield process


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(os.environ.get("TEST_ARTIFACTS") or ROOT / "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


async def test_the_kiosk_in_arabic_reads_from_the_right(browser: Browser, server: Server, shop, artifacts_dir):
    context = await browser.new_context(base_url=server.url, viewport=TABLET, permissions=["camera"])
    try:
        kiosk = await context.new_page()
        await sign_in(kiosk, shop.seat_login, shop.seat_password, path="/kiosk")
        await kiosk.goto("/kiosk?lang=ar")
        assert await kiosk.evaluate("document.documentElement.lang") == "ar"
        assert await kiosk.evaluate("document.documentElement.dir") == "rtl"
        assert await kiosk.evaluate("getComputedStyle(document.body).direction") == "rtl"
        ask = "Show your stamp card's QR code to the camera"
        shipped = catalog("ar")
        text = Lang("ar")._(ask) if shipped and not problems(shipped, template_ids()) else stand_in("ar", ask)
        prompt = kiosk.get_by_text(text)
        await expect(prompt).to_be_visible()
        assert await prompt.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert await kiosk.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
        await kiosk.screenshot(path=artifacts_dir / "kiosk-arabic-1024px.png")
    finally:
        await close_context(context)
