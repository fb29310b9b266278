"""Shared steps for the admin console tests (no tests here)."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from tests.factories import Shop


async def sign_in(user: User, shop: Shop) -> None:
    """Sign in through the real login form, as the shop's owner."""
    await user.open("/admin/login")
    user.find(marker="email").type(shop.owner_email)
    user.find(marker="password").type(shop.owner_password)
    user.find(marker="sign-in").click()
    await user.should_see(marker="business-name", retries=50)


def html_of(user: User, marker: str) -> str:
    element = user.find(marker=marker).elements.pop()
    assert isinstance(element, ui.html)
    return element.content


async def open_designer(user: User, shop) -> None:
    await sign_in(user, shop)
    await user.open(f"/admin/templates/{shop.template.id}")
    await user.should_see(marker="preview-apple")
