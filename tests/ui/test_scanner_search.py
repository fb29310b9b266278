"""Search customer when the camera fails: by card number, email or name, with a stamp button."""

from __future__ import annotations

from nicegui.testing import User

from hub.domain import codes
from hub.domain.cards import delete_card
from hub.domain.customer_search import search_cards
from hub.domain.stamps import adjust_stamps
from hub.models import Card, CardEvent, Customer
from tests.factories import new_card
from tests.ui.seat_steps import sign_in


async def test_search_finds_by_number_email_name_and_pasted_code(shop, other_shop, secret):
    customer = await Customer.get(id=shop.card.customer_id)
    by_number = await search_cards(shop.business_id, f"#{shop.card.number}")
    by_email = await search_cards(shop.business_id, customer.email.upper())
    by_name = await search_cards(shop.business_id, "mina")
    by_code = await search_cards(shop.business_id, codes.card_code(secret, shop.card.number), secret=secret)
    for hits in (by_number, by_email, by_name, by_code):
        assert [h.card_id for h in hits] == [shop.card.id]
    assert by_number[0].stamps_required == 8


async def test_search_never_shows_other_businesses_or_deleted_cards(shop, other_shop):
    gone = await new_card(shop, "Mina Gone")
    await delete_card(shop.business_id, gone.id)
    assert await search_cards(shop.business_id, str(other_shop.card.number)) == []
    assert [h.card_id for h in await search_cards(shop.business_id, "Mina")] == [shop.card.id]
    assert await search_cards(shop.business_id, "M") == []
    assert await search_cards(shop.business_id, "   ") == []
    assert await search_cards(shop.business_id, "100%") == []


async def test_staff_find_a_customer_by_email_and_stamp_the_card(user: User, live, redis, shop):
    customer = await Customer.get(id=shop.card.customer_id)
    await sign_in(user, shop)
    user.find(marker="search").type(customer.email)
    user.find(marker="search-button").click()
    await user.should_see(marker=f"hit-{shop.card.number}", retries=50)
    await user.should_see("0 / 8")
    user.find(marker=f"stamp-{shop.card.number}").click()
    await user.should_see("Stamped 1 / 8", retries=50)
    event = await CardEvent.get(card_id=shop.card.id, kind="stamp")
    assert event.seat_id == shop.seat.id
    assert event.detail["source"] == "search"


async def test_the_last_stamp_shows_the_reward(user: User, live, redis, shop):
    await adjust_stamps(shop.business_id, shop.card.id, 7)
    await sign_in(user, shop)
    user.find(marker="search").type(str(shop.card.number))
    user.find(marker="search-button").click()
    await user.should_see("7 / 8", retries=50)
    user.find(marker=f"stamp-{shop.card.number}").click()
    await user.should_see("Reward earned", retries=50)
    await user.should_see("Free coffee: voucher issued.")
    assert (await Card.get(id=shop.card.id)).rounds_completed == 1


async def test_an_unknown_customer_is_reported(user: User, live, redis, shop):
    await sign_in(user, shop)
    user.find(marker="search").type("nobody@example.com")
    user.find(marker="search-button").click()
    await user.should_see("No customer found", retries=50)
