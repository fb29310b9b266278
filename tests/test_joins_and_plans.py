"""Public sign-ups cannot exhaust a business's plan: a join is not a card operation (the
customer's stamps are), and joins are throttled per address and capped per business per day."""

from datetime import UTC, datetime, timedelta

import pytest
from nicegui.testing import User

from hub.config import settings
from hub.domain import joining
from hub.domain.plans import usage
from hub.domain.stamps import add_stamp
from hub.errors import RateLimited
from hub.models import Card, CardEvent
from tests.card_pages import Html, submit_join
from tests.factories import make_shop


async def test_a_script_joining_all_day_leaves_the_free_plan_to_the_till(redis, clock_at):
    clock = clock_at(datetime(2030, 3, 1, 8, tzinfo=UTC))
    shop = await make_shop(plan="free")
    prefix = settings().redis_prefix
    joined = 0
    for block in range(12):  # 12 addresses, each as fast as it is let through
        for _ in range(joining.JOIN_LIMIT):
            await joining.join(redis, prefix, shop.template.id, ip=f"198.51.100.{block}", name=f"Bot {joined}")
            joined += 1
    assert joined == 144 > 100
    assert await usage(shop.business_id) == 1  # the shop's own card, issued at the till
    clock.advance(hours=1)
    assert (await add_stamp(shop.business_id, shop.card.id)).outcome == "stamped"


async def test_a_join_costs_nothing_until_the_customers_first_stamp(redis, shop):
    before = await usage(shop.business_id)
    card = await joining.join(redis, settings().redis_prefix, shop.template.id, ip="192.0.2.44", name="Ada")
    assert await usage(shop.business_id) == before
    assert await CardEvent.get(card_id=card.id, kind="joined")
    await add_stamp(shop.business_id, card.id)
    assert await usage(shop.business_id) == before + 1


async def test_one_address_gets_a_handful_of_joins_a_day(redis, shop, clock_at):
    clock = clock_at(datetime(2030, 3, 1, 0, 1, tzinfo=UTC))
    prefix = settings().redis_prefix
    for n in range(joining.JOIN_DAILY_LIMIT):
        if n and n % joining.JOIN_LIMIT == 0:
            clock.advance(seconds=joining.JOIN_WINDOW)
        await joining.join(redis, prefix, shop.template.id, ip="203.0.113.77", name=f"Guest {n}")
    clock.advance(seconds=joining.JOIN_WINDOW)
    with pytest.raises(RateLimited):
        await joining.join(redis, prefix, shop.template.id, ip="203.0.113.77", name="One more")
    clock.advance(timedelta(days=1))
    await joining.join(redis, prefix, shop.template.id, ip="203.0.113.77", name="Next day")


async def test_the_daily_cap_pauses_online_joins_and_the_page_says_ask_the_staff(
    user: User, live, redis, monkeypatch, clock_at
):
    clock_at(datetime(2030, 3, 1, 12, tzinfo=UTC))
    shop = await make_shop(plan="free")
    monkeypatch.setitem(joining.JOINS_PER_DAY, "free", 3)
    prefix = settings().redis_prefix
    for n in range(3):
        await joining.join(redis, prefix, shop.template.id, ip=f"192.0.2.{n}", name=f"Guest {n}")
    with pytest.raises(joining.JoinsPaused):
        await joining.join(redis, prefix, shop.template.id, ip="192.0.2.200", name="Fourth")
    response = await submit_join(user.http_client, shop.template.id, "Walk-in")
    assert response.status_code == 429
    Html(response.text).should_see("Please ask our staff at the counter.")
    assert not await Card.filter(business_id=shop.business_id, customer__name="Walk-in").exists()
