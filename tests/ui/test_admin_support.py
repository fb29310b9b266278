"""Shared steps for the admin console tests (no tests here)."""

from __future__ import annotations

from nicegui.testing import User

from tests.conftest import eventually  # noqa: F401  (the pages' tests import it from here)
from tests.factories import Shop


async def sign_in(user: User, shop: Shop) -> None:
    """Sign in through the real login form, as the shop's owner."""
    await user.open("/admin/login")
    user.find(marker="email").type(shop.owner_email)
    user.find(marker="password").type(shop.owner_password)
    user.find(marker="sign-in").click()
    await user.should_see(marker="business-name", retries=50)
