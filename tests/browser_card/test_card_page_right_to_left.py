"""The card page in Arabic on a 390 x 844 phone in real Chromium: the layout reads from the
right (the stamp grid starts there), while the card number and the count stay left to right."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from hub.i18n import catalog, languages, problems, template_ids
from tests.catalogues import write_catalogue
from tests.chromium_steps import stamp_through_the_api
from tests.contexts import close_context
from tests.servers import ROOT, Server, running_server

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def arabic_catalogues(tmp_path_factory) -> str:
    """The shipped Arabic catalogue once it is complete; until then a stand-in with every message."""
    root = tmp_path_factory.mktemp("locales")
    shipped = catalog("ar")
    if shipped is None or problems(shipped, template_ids()):
        write_catalogue(root, "ar")
    return str(root)


@pytest.fixture(scope="module")
def card_server(arabic_catalogues: str) -> Iterator[Server]:
    with running_server(LOCALES_DIR=arabic_catalogues) as server:
        yield server


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(os.environ.get("TEST_ARTIFACTS") or ROOT / "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
async def arabic_phone(browser: Browser, card_server: Server) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(
        base_url=card_server.url, viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True, locale="ar-EG"
    )
    ctx.set_default_timeout(20_000)
    yield ctx
    await close_context(ctx)


async def test_the_card_page_in_arabic_reads_from_the_right(
    arabic_phone: BrowserContext, card_server, shop, secret, configure, arabic_catalogues, artifacts_dir
):
    configure(LOCALES_DIR=arabic_catalogues)
    assert "ar" in languages()
    for _ in range(3):
        await stamp_through_the_api(card_server.url, shop, secret, shop.card)
    page: Page = await arabic_phone.new_page()
    await page.goto(f"/c/{shop.card.token}")  # the phone asks for Arabic, nothing else
    await expect(page.locator("[data-mark=progress]")).to_have_text("3 / 8")
    await page.screenshot(path=artifacts_dir / "card-page-arabic-390px.png", full_page=True)

    assert await page.evaluate("document.documentElement.lang") == "ar"
    assert await page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert await page.evaluate("getComputedStyle(document.querySelector('.card-face')).direction") == "rtl"

    # The first stamp sits at the right edge of the grid and the next one to its left.
    slots = [await s.bounding_box() for s in await page.locator(".stamp-slot").all()]
    grid = await page.locator(".stamps").bounding_box()
    first, second = slots[0], slots[1]
    assert first["x"] > second["x"] and abs(first["y"] - second["y"]) < 1
    assert abs((first["x"] + first["width"]) - (grid["x"] + grid["width"])) < 2
    assert await page.locator("[data-mark=stamp-filled]").count() == 3
    assert await page.locator(".stamp-slot").nth(0).locator("[data-mark=stamp-filled]").count() == 1
    assert await page.locator(".stamp-slot").nth(7).locator("[data-mark=stamp-empty]").count() == 1

    # The count and the card number read left to right inside the Arabic sentence.
    number = page.locator("[data-mark=card-number] bdi")
    await expect(number).to_have_text(str(shop.card.number))
    assert await number.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert await page.locator("[data-mark=progress]").evaluate("e => getComputedStyle(e).direction") == "ltr"
    # The progress is at the start of the card's foot, which in Arabic is its right.
    foot = await page.locator(".face-foot").bounding_box()
    progress = await page.locator("[data-mark=progress]").bounding_box()
    assert progress["x"] + progress["width"] > foot["x"] + foot["width"] - 2

    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
