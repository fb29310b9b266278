"""Whatever fires a draw, the customer plays it on the card page: the page is given the spin
(its commitment first) and the prize stays off the card until the spin reveals it."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from hub import clock
from hub.domain import codes, inserts, lottery, lottery_pools, receipts, scans, templates
from hub.domain.visits import Visit
from hub.models import LotteryDraw
from tests.card_pages import CardPage
from tests.factories import make_shop


async def shop_with_pool():
    shop = await make_shop(stamps_required=2)
    pool = await lottery_pools.create_pool(shop.business_id, "Card draw", template_id=shop.template.id)
    await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake", weight=1)
    await templates.publish(
        shop.business_id, shop.template.id, {**templates.snapshot(shop.template), "reward_type": "lottery"}
    )
    return shop, pool


async def full_card_at_the_counter(shop, pool, secret) -> None:
    for _ in range(2):
        code = codes.rotating_card_code(secret, shop.card.number)
        await scans.scan(shop.business_id, code, secret=secret, via="kiosk", visit=Visit.EXTRA)


async def delivery_insert(shop, pool, secret) -> None:
    batch = await inserts.create_batch(
        shop.business_id, shop.template.id, name="Bags", size=1, kind="lottery", pool_id=pool.id
    )
    url = (await inserts.batch_urls(batch, secret, "http://testserver"))[0]
    claim = await inserts.use_insert(secret, url.rsplit("/", 1)[1], shop.card.token)
    assert claim.outcome == "lottery"


async def receipt_qr(shop, pool, secret) -> None:
    key = await receipts.create_receipt_key(shop.business_id, shop.location.id, shop.template.id, pool_id=pool.id)
    code = receipts.receipt_code(key.secret, key.id, "R-1", 1000, int(clock.timestamp()))
    assert (await receipts.use_receipt(code, shop.card.token)).outcome == "lottery"


async def campaign_spin(shop, pool, secret) -> None:
    await lottery.grant_spin(shop.business_id, shop.card.id, pool.id, source="campaign")


@pytest.mark.parametrize("fire", [full_card_at_the_counter, delivery_insert, receipt_qr, campaign_spin])
async def test_the_draw_plays_on_the_card_page(user: User, live, secret, fire):
    shop, pool = await shop_with_pool()
    page = CardPage(user.http_client, shop.card.token)
    (await page.open()).should_see("Fill the card: spin for Free cake")

    await page.live(live.bus, lambda: fire(shop, pool, secret))

    draw = await LotteryDraw.get(card_id=shop.card.id)
    [spin] = page.draws
    assert spin["id"] == draw.id and draw.commitment in spin["html"] and draw.seed not in spin["html"]
    assert not page.html.marks(f"voucher-{draw.voucher_id}")  # not before the spin
    await user.http_client.post(f"/c/{shop.card.token}/draws/{draw.id}/reveal")
    assert (await page.refresh()).marks(f"voucher-{draw.voucher_id}")


async def test_the_revealed_prize_shows_its_picture(user: User, live):
    shop = await make_shop()
    pool = await lottery_pools.create_pool(shop.business_id, "Picture draw")
    picture = f"/uploads/{shop.business_id}/prize-cake.png"
    await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake", image_url=picture)
    draw = await lottery.grant_spin(shop.business_id, shop.card.id, pool.id)
    response = await user.http_client.post(f"/c/{shop.card.token}/draws/{draw.id}/reveal")
    assert response.status_code == 200 and f'src="{picture}"' in response.json()["html"]
