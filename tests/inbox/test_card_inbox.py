"""The card's inbox: a message to a web card lands on its page, unread until opened, with its
voucher or spin, and is gone after 90 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hub.domain import inbox, lottery
from hub.domain.card_view import current_view
from hub.models import InboxMessage, LotteryDraw
from hub.workers.cron import schedules
from hub.workers.jobs import expire_inbox_messages
from tests.events import CapturedEvents
from tests.factories import new_card
from tests.inbox.sending import send_to_card


async def test_a_message_lands_in_the_card_inbox_unread_and_opening_it_marks_it_read(shop):
    card = await new_card(shop, "Ada")
    async with CapturedEvents() as captured:
        await send_to_card(shop.business_id, card, "Open late", "We are open until 10 tonight.")
    view = await current_view(card)
    [message] = view.inbox
    assert (message.title, message.body, message.read, view.unread) == (
        "Open late",
        "We are open until 10 tonight.",
        False,
        1,
    )
    [event] = [e for e in captured.events if e["type"] == "card.message"]
    assert event["token"] == card.token and event["message_id"] == message.id

    assert await inbox.mark_read(card.token, message.id) == 0
    assert await inbox.mark_read(card.token, message.id) == 0  # a second tab changes nothing
    view = await current_view(card)
    assert view.inbox[0].read and view.unread == 0


async def test_another_card_cannot_read_or_see_the_message(shop, other_shop):
    card = await new_card(shop, "Ada")
    stranger = other_shop.card
    await send_to_card(shop.business_id, card, "Hi", "Only for Ada")
    [message] = await InboxMessage.filter(card_id=card.id)
    assert await inbox.mark_read(stranger.token, message.id) is None
    assert await inbox.mark_read("not-a-token", message.id) is None
    assert (await current_view(stranger)).inbox == []
    assert (await InboxMessage.get(id=message.id)).read_at is None


async def test_an_attached_voucher_shows_in_full_and_a_spin_waits_until_played(shop):
    card = await new_card(shop, "Ada")
    await send_to_card(shop.business_id, card, "Gift", "A cake on us", attachment={"type": "voucher", "title": "Cake"})
    pool = await lottery.create_pool(shop.business_id, "Spring draw")
    await lottery.add_prize(shop.business_id, pool.id, "Tote bag", weight=1, valid_days=7)
    await send_to_card(
        shop.business_id, card, "Spin", "Try your luck", attachment={"type": "lottery", "pool_id": pool.id}
    )

    spin, gift = (await current_view(card)).inbox
    assert gift.voucher is not None and gift.voucher.title == "Cake" and gift.voucher.redeem_code
    # The prize stays hidden until the customer watches the spin on the card page.
    assert spin.spin_waiting and spin.draw_id and spin.voucher is None
    draw = await LotteryDraw.get(id=spin.draw_id)
    await lottery.reveal_draw(card.token, draw.id)
    spin, _ = (await current_view(card)).inbox
    assert not spin.spin_waiting and spin.voucher is not None and spin.voucher.title == "Tote bag"


async def test_messages_are_kept_90_days_then_the_scheduler_removes_them(shop, clock_at):
    clock = clock_at(datetime(2027, 3, 1, 9, tzinfo=UTC))
    card = await new_card(shop, "Ada")
    await send_to_card(shop.business_id, card, "Old news", "Spring menu")
    clock.advance(timedelta(days=89))
    assert len((await current_view(card)).inbox) == 1
    clock.advance(timedelta(days=1, seconds=1))
    view = await current_view(card)
    assert view.inbox == [] and view.unread == 0
    assert expire_inbox_messages in [job for job, _ in schedules()]
    assert await inbox.delete_expired() >= 1  # this one, and any other test's as old
    assert not await InboxMessage.filter(card_id=card.id).exists()
