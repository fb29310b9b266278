"""Shared steps for the admin console tests (no tests here)."""

from __future__ import annotations

from nicegui.testing import User

from tests.factories import Shop


async def sign_in(user: User, shop: Shop) -> None:
    """Sign in through the real login form, as the shop's owner."""
    await user.open("/admin/login")
    user.find(marker="email").type(shop.owner_email)
    user.find(marker="password").type(shop.owner_password)
    user.find(marker="sign-in").click()
    await user.should_see(marker="business-name", retries=50)


async def eventually(check, *, tries: int = 50) -> None:
    """Wait for an async or sync condition that a background UI handler makes true."""
    import asyncio
    import inspect

    for _ in range(tries):
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition never became true")
