"""Card numbers are short, so unknown ones sent to a Toast endpoint are guesses: past 100 the
endpoint makes the caller wait, without storing the refusals, so Toast's later retry of a real
card is answered for real."""

from __future__ import annotations

from hub.clock import utcnow
from tests.integrations.toast.toast_pos import check


async def test_many_unknown_card_numbers_are_slowed_down_and_real_ones_answered_after(
    asgi_toast, shop, redis, clock_at
):
    clock = clock_at(utcnow(), frozen=True)  # the wait after the 101st guess lasts until the clock moves
    for n in range(101):  # 100 free guesses, then a wait before the next attempt
        reply = await asgi_toast.inquire(str(900000000 + n), check([]))
        assert reply.status == 404
    waiting = await asgi_toast.inquire(str(shop.card.number), check([]))
    assert waiting.status == 404 and waiting.transaction_status == "ERROR_ACCOUNT_INVALID"
    clock.advance(seconds=2)  # the wait is over
    answered = await asgi_toast.inquire(str(shop.card.number), check([]), guid=waiting.guid)
    assert answered.status == 200 and answered.json["checkResponse"]["accountInfo"]["identifier"] == str(
        shop.card.number
    )
