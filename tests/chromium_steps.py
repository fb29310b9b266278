"""Shared steps for the Chromium end-to-end tests (no tests here)."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from playwright.async_api import Page, expect

from hub.domain import codes
from hub.domain.stamps import adjust_stamps
from hub.models import Card
from tests.browser.conftest import autopilot_on, scanner_types

PHONE = {"width": 390, "height": 844}  # the size most customers and owners hold


async def fits_the_phone(page: Page) -> None:
    """Nothing sticks out sideways: no horizontal scrolling on the phone."""
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def owner_signs_in(page: Page, shop) -> None:
    await page.goto("/admin/login")
    await page.get_by_label("Email").fill(shop.owner_email)
    await page.get_by_label("Password").fill(shop.owner_password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text("Cards issued")).to_be_visible()


async def stamp_through_the_api(server_url: str, shop, secret: bytes, card: Card) -> None:
    async with httpx.AsyncClient(base_url=server_url, timeout=10) as api:
        response = await api.post(
            "/api/v1/scans",
            json={"code": codes.rotating_card_code(secret, card.number), "idempotency_key": str(uuid.uuid4())},
            headers={"Authorization": f"Bearer {shop.api_key}"},
        )
    assert response.status_code == 200, response.text


async def until_connected(page: Page, timeout: float = 20.0) -> None:
    """The page's socket joined the card's room (polled: the page's policy forbids eval'd predicates)."""
    for _ in range(int(timeout * 10)):
        if await page.evaluate("window.cardConnected === true"):
            return
        await page.wait_for_timeout(100)
    raise AssertionError("the card page never connected")


async def join(page: Page, template_id: int, name: str, screenshot: Path | None = None) -> Card:
    await page.goto(f"/join/{template_id}")
    await page.get_by_label("Your name").fill(name)
    if screenshot:
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=screenshot, full_page=True)
    await page.get_by_role("button", name="Get my card").click()
    await expect(page.get_by_text("Show this code at the counter")).to_be_visible()
    return await Card.filter(template_id=template_id).order_by("-id").first()


async def redeem(page: Page, title: str) -> None:
    await page.get_by_role("button", name=f"Redeem {title}").first.click()
    await page.get_by_role("dialog").get_by_role("button", name="Redeem", exact=True).click()


async def earn_the_reward(page: Page, shop, secret) -> None:
    """The card's last stamp, given by a scan in Autopilot."""
    await adjust_stamps(shop.business_id, shop.card.id, 7)
    await autopilot_on(page, shop)
    await scanner_types(page, codes.card_code(secret, shop.card.number))
    await expect(page.get_by_text("Reward earned")).to_be_visible()
