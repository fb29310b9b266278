"""Issue Voucher: find any customer by name, email or card number, issue with validity and a
reason; the list says who issued it and why, and the customer's card hears of it at once."""

from __future__ import annotations

from datetime import timedelta

from nicegui.testing import User

from hub import clock
from hub.domain.cards import card_summary
from hub.models import Card, Voucher
from hub.realtime.events import rooms
from tests.events import CapturedEvents
from tests.factories import new_card
from tests.ui.owner_steps import sign_in


async def choose(user: User, query: str, number: int) -> None:
    user.find(marker="voucher-search").clear().type(query)
    await user.should_see(marker=f"voucher-hit-{number}", retries=50)
    user.find(marker=f"voucher-hit-{number}").click()
    await user.should_see(f"For #{number}", retries=50)


async def test_a_customer_is_found_by_name_email_or_card_number(user: User, live, redis, shop):
    oskar = await new_card(shop, "Oskar Brandt")
    await sign_in(user, shop)
    await user.open("/admin/vouchers")
    user.find(marker="voucher-search").type("oskar")
    await user.should_see(marker=f"voucher-hit-{oskar.number}", retries=50)
    await user.should_not_see(marker=f"voucher-hit-{shop.card.number}")
    user.find(marker="voucher-search").clear().type(shop.owner_email.replace("owner", "mina"))
    await user.should_see(marker=f"voucher-hit-{shop.card.number}", retries=50)
    await user.should_not_see(marker=f"voucher-hit-{oskar.number}")
    user.find(marker="voucher-search").clear().type(str(oskar.number))
    await user.should_see(marker=f"voucher-hit-{oskar.number}", retries=50)
    await user.should_not_see(marker=f"voucher-hit-{shop.card.number}")
    user.find(marker="voucher-search").clear().type("nobody here")
    await user.should_see(marker="voucher-no-match", retries=50)


async def test_an_issued_voucher_is_listed_with_who_and_why_and_reaches_the_card(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/vouchers")
    await user.should_see(marker="voucher-none")
    await choose(user, "Mina", shop.card.number)
    user.find(marker="voucher-title").clear().type("Free cake")
    with user:
        user.find(marker="voucher-validity").elements.pop().value = 7
    user.find(marker="voucher-note").type("Birthday mix-up")
    before = clock.utcnow()
    async with CapturedEvents() as captured:
        user.find(marker="voucher-issue").click()
        await user.should_see("issued to Mina Park", retries=50)
    voucher = await Voucher.get(card_id=shop.card.id)
    assert (voucher.title, voucher.source, voucher.note) == ("Free cake", "manual", "Birthday mix-up")
    assert timedelta(days=6, hours=23) < voucher.expires_at - before < timedelta(days=7, minutes=5)
    await user.should_see(marker=f"manual-voucher-{voucher.id}", retries=50)
    await user.should_see("Free cake → #" + str(shop.card.number) + " Mina Park")
    await user.should_see("Birthday mix-up")
    await user.should_see(f"by {shop.owner_email}", retries=20)
    # The card page listens for exactly this event; what it then shows is the card's public data.
    issued = captured.of_type("voucher.issued")
    assert [e["card_id"] for e in issued] == [shop.card.id]
    assert f"card:{shop.card.token}" in rooms(issued[0])
    summary = await card_summary(await Card.get(id=shop.card.id), b"secret", "http://shop")
    assert [(v["title"], v["state"]) for v in summary["vouchers"]] == [("Free cake", "active")]


async def test_issue_waits_for_a_chosen_customer_and_a_title(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/vouchers")
    assert not user.find(marker="voucher-issue").elements.pop().enabled
    await choose(user, str(shop.card.number), shop.card.number)
    user.find(marker="voucher-title").clear()
    user.find(marker="voucher-issue").click()
    await user.should_see("Give the voucher a title.", retries=50)
    assert not await Voucher.exists(card_id=shop.card.id)
