"""The admin console in real Chromium against a real `stamphub serve` process."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from hub.domain import codes
from hub.models import CardTemplate
from tests.chromium_steps import owner_signs_in
from tests.contexts import close_context
from tests.servers import ROOT, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def admin_server(web_server) -> Iterator[Server]:
    yield web_server


@pytest.fixture
async def laptop(browser: Browser, admin_server: Server):
    context = await browser.new_context(base_url=admin_server.url, viewport={"width": 1440, "height": 900})
    context.set_default_timeout(20_000)
    yield context
    await close_context(context)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


async def test_typing_in_the_designer_changes_the_preview_without_saving(laptop, shop, artifacts):
    page = await laptop.new_page()
    await owner_signs_in(page, shop)
    await page.goto(f"/admin/templates/{shop.template.id}")
    apple = page.locator("div", has_text="Apple Wallet").last
    await expect(page.get_by_text("Coffee card").first).to_be_visible()
    await page.screenshot(path=artifacts / "admin-designer-before.png", full_page=True)
    await page.get_by_role("tab", name="Texts").click()
    title = page.get_by_label("Card title")
    await title.fill("")
    await title.press_sequentially("Winter Warmers", delay=20)
    await page.get_by_role("tab", name="Design").click()
    background = page.get_by_label("Background")
    await background.fill("#0b3d5c")
    await expect(page.get_by_text("Winter Warmers")).to_have_count(3)  # web card, Apple pass, Google pass
    await expect(apple).to_be_visible()
    await page.screenshot(path=artifacts / "admin-designer-after.png", full_page=True)
    template = await CardTemplate.get(id=shop.template.id)
    assert template.design["title"] == "Coffee card" and template.version == 1


async def test_a_stamp_through_the_api_appears_in_the_open_list_and_journal(
    laptop, admin_server, shop, secret, artifacts
):
    cards = await laptop.new_page()
    await owner_signs_in(cards, shop)
    await cards.goto("/admin/cards")
    await expect(cards.get_by_text(f"#{shop.card.number}")).to_be_visible()
    await expect(cards.get_by_text("0 / 8", exact=True)).to_be_visible()
    journal = await laptop.new_page()
    await journal.goto("/admin/journal")
    await expect(journal.get_by_text("Card issued")).to_be_visible()
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{admin_server.url}/api/v1/scans",
            json={"code": codes.card_code(secret, shop.card.number), "idempotency_key": str(uuid.uuid4())},
            headers={"Authorization": f"Bearer {shop.api_key}"},
        )
    assert response.status_code == 200, response.text
    await expect(cards.get_by_text("1 / 8", exact=True)).to_be_visible()
    await expect(journal.get_by_text("+1 → 1")).to_be_visible()
    await cards.screenshot(path=artifacts / "admin-cards-live-stamp.png", full_page=True)
    await journal.screenshot(path=artifacts / "admin-journal-live-stamp.png", full_page=True)
