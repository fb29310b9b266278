import asyncio
from datetime import UTC, datetime

from nicegui import ui
from nicegui.testing import User

from hub.models import Business, OwnerAccount
from tests.ui.owner_steps import sign_in


async def attempt_finished(user: User) -> None:
    """A refused attempt clears the password field; a person cannot type faster than that."""
    field = user.find(marker="password").elements.pop()
    assert isinstance(field, ui.input)
    for _ in range(50):
        if not field.value:
            return
        await asyncio.sleep(0.05)


async def test_an_owner_signs_in_and_sees_the_overview(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.should_see("Corner Café")
    await user.should_see("Cards issued")


async def test_a_wrong_password_is_refused(user: User, live, redis, shop):
    await user.open("/admin/login")
    user.find(marker="email").type(shop.owner_email)
    user.find(marker="password").type("not the password")
    user.find(marker="sign-in").click()
    await user.should_see("Wrong email or password.")
    await user.should_not_see(marker="business-name")


async def guess(user: User, shop, password: str = "guessing") -> None:
    user.find(marker="email").clear().type(shop.owner_email)
    user.find(marker="password").clear().type(password)
    user.find(marker="sign-in").click()
    await attempt_finished(user)


async def test_wrong_passwords_slow_down_the_guessing_device_with_a_doubling_wait(
    user: User, live, redis, shop, clock_at
):
    clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    await user.open("/admin/login")
    for _ in range(7):  # 5 free; the 6th sets a wait, which the 7th meets
        await guess(user, shop)
    await user.should_see("Too many attempts", retries=100)
    # Even the right password waits out the delay: the limit is checked first.
    user.find(marker="password").clear().type(shop.owner_password)
    user.find(marker="sign-in").click()
    await user.should_see("Too many attempts", retries=100)
    await user.should_not_see(marker="business-name")


async def test_a_device_that_signed_in_before_still_signs_in_while_a_stranger_guesses(
    create_user, live, redis, shop, clock_at
):
    clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    office, stranger = create_user(), create_user()
    await sign_in(office, shop)
    await office.open("/admin/logout")
    await stranger.open("/admin/login")
    for _ in range(40):
        await guess(stranger, shop)
    await stranger.should_see("Too many attempts", retries=100)
    await sign_in(office, shop)
    await office.should_see("Corner Café")


async def test_the_wait_doubles_instead_of_locking_the_account(create_user, live, redis, shop, clock_at):
    clock = clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC), frozen=True)
    laptop = create_user()
    await laptop.open("/admin/login")
    for _ in range(6):
        await guess(laptop, shop)  # 5 free, the 6th sets a 1 s wait
    clock.advance(seconds=1)
    await guess(laptop, shop)  # counted: the next wait is 2 s
    clock.advance(seconds=1)
    await guess(laptop, shop, shop.owner_password)
    await laptop.should_see("Too many attempts", retries=100)
    clock.advance(seconds=1)
    await sign_in(laptop, shop)


async def test_pages_need_a_signed_in_owner(user: User, live):
    for path in ("/admin", "/admin/cards", "/admin/journal", "/admin/templates", "/admin/staff"):
        await user.open(path)
        await user.should_see(marker="sign-in")


async def test_sign_up_creates_a_business_and_signs_in(user: User, live, redis):
    await user.open("/admin/signup")
    user.find(marker="business").type("Bagel Barn")
    user.find(marker="email").type("Owner@Bagel.example")
    user.find(marker="password").type("long enough")
    user.find(marker="sign-up").click()
    await user.should_see(marker="business-name", retries=50)
    await user.should_see("Bagel Barn")
    owner = await OwnerAccount.get(email="owner@bagel.example")
    assert (await Business.get(id=owner.business_id)).name == "Bagel Barn"


async def test_sign_up_explains_a_short_password(user: User, live, redis):
    await user.open("/admin/signup")
    user.find(marker="business").type("Tiny Tea")
    user.find(marker="email").type("tea@example.com")
    user.find(marker="password").type("short")
    user.find(marker="sign-up").click()
    await user.should_see("at least 8 characters")
    assert not await OwnerAccount.exists(email="tea@example.com")


async def test_signing_out_ends_the_session(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/logout")
    await user.should_see(marker="sign-in")
    await user.open("/admin")
    await user.should_see(marker="sign-in")
