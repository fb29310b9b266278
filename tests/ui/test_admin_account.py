"""The owner's account page: the current password is a guessable secret like any other."""

import asyncio
from datetime import UTC, datetime

from nicegui.testing import User

from hub.models import OwnerAccount
from hub.passwords import verify_password
from tests.ui.owner_steps import sign_in


async def change(user: User, current: str, new: str = "a brand new secret") -> str:
    """One attempt, waited for as a person would: the answer shows before the next try."""
    answers = len(user.notify.messages)
    user.find(marker="current-password").clear().type(current)
    user.find(marker="new-password").clear().type(new)
    user.find(marker="change-password").click()
    for _ in range(100):
        if len(user.notify.messages) > answers:
            return user.notify.messages[-1]
        await asyncio.sleep(0.05)
    raise AssertionError("the page never answered")


async def test_a_signed_in_session_cannot_guess_the_current_password_at_full_speed(
    user: User, live, redis, shop, clock_at
):
    clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    await sign_in(user, shop)
    await user.open("/admin/account")
    for n in range(6):  # 5 free; the sixth wrong answer sets a wait, which the next meets
        assert await change(user, f"guess {n}") == "Your current password is not right."
    assert "Too many attempts" in await change(user, shop.owner_password)
    owner = await OwnerAccount.get(email=shop.owner_email)
    assert verify_password(shop.owner_password, owner.password_hash)


async def test_the_wait_ends_and_the_owner_changes_the_password(user: User, live, redis, shop, clock_at):
    clock = clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    await sign_in(user, shop)
    await user.open("/admin/account")
    for n in range(6):
        assert await change(user, f"guess {n}") == "Your current password is not right."
    clock.advance(seconds=5)
    assert "Every other device was signed out" in await change(user, shop.owner_password)
    owner = await OwnerAccount.get(email=shop.owner_email)
    assert verify_password("a brand new secret", owner.password_hash)


async def test_the_owner_chooses_the_language_of_the_cards(user: User, live, redis, shop, offered):
    from hub.models import Business
    from tests.catalogues import stand_in

    offered("ru")
    await sign_in(user, shop)
    await user.open("/admin/account")
    user.find(marker="card-language").elements.pop().set_value("ru")
    user.find(marker="card-language-save").click()
    await user.should_see("Saved.")
    assert (await Business.get(id=shop.business_id)).language == "ru"
    user.http_client.headers["Accept-Language"] = "gl"  # a phone in a language not offered
    page = await user.http_client.get(f"/c/{shop.card.token}")
    assert stand_in("ru", "Show this code at the counter") in page.text
