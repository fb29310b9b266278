"""A lottery plays on the card page: commitment before the spin, outcome and seed after."""

from nicegui.testing import User

from hub.domain import lottery
from hub.domain.stamps import add_stamp
from hub.models import LotteryDraw
from tests.card_pages import CardPage, Html
from tests.factories import make_shop


async def lottery_shop(**pool):
    shop = await make_shop(reward_type="lottery", stamps_required=2, reward_title="Mystery prize")
    pool = await lottery.create_pool(shop.business_id, "Draw", template_id=shop.template.id, **pool)
    return shop, pool


async def watch_the_draw(user: User, page: CardPage, draw: LotteryDraw) -> Html:
    """What the page's script does with a draw it was given: spin, then reveal."""
    [box] = [d for d in page.draws if d["id"] == draw.id]
    spin = Html(box["html"])
    spin.should_see(draw.commitment)
    spin.should_not_see(draw.seed)
    assert spin.marks("reel")
    response = await user.http_client.post(f"/c/{page.token}/draws/{draw.id}/reveal")
    assert response.status_code == 200
    return Html(response.json()["html"])


async def test_a_full_card_spins_live_showing_the_commitment_then_the_seed(user: User, live):
    shop, pool = await lottery_shop()
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=1, stock=5)
    await add_stamp(shop.business_id, shop.card.id)
    page = CardPage(user.http_client, shop.card.token)
    (await page.open()).should_see("Fill the card: spin for Free cake")

    await page.live(live.bus, lambda: add_stamp(shop.business_id, shop.card.id))
    draw = await LotteryDraw.get(card_id=shop.card.id)
    result = await watch_the_draw(user, page, draw)
    result.should_see("You won: Free cake!")
    result.should_see(draw.seed)
    await draw.refresh_from_db()
    assert draw.revealed_at is not None
    assert result.marks("close-draw")
    html = await page.refresh()
    assert html.marks(f"voucher-{draw.voucher_id}")
    assert page.draws == []


async def test_the_prize_stays_hidden_until_the_customer_has_watched_the_draw(user: User, live):
    shop, pool = await lottery_shop()
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=1)
    draw = await lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="insert")

    page = CardPage(user.http_client, shop.card.token)
    html = await page.open()
    assert not html.marks(f"voucher-{draw.voucher_id}")
    html.should_not_see("Prize draw won: Free cake")
    await page.refresh()  # a draw fired while away plays on open
    (await watch_the_draw(user, page, draw)).should_see("You won: Free cake!")
    assert (await page.refresh()).marks(f"voucher-{draw.voucher_id}")


async def test_a_blank_draw_says_so(user: User, live):
    shop, pool = await lottery_shop(blank_weight=1)
    page = CardPage(user.http_client, shop.card.token)
    await page.open()
    await page.live(live.bus, lambda: lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="campaign"))
    draw = await LotteryDraw.get(card_id=shop.card.id)
    (await watch_the_draw(user, page, draw)).should_see("No prize this time")


async def test_another_cards_draw_is_not_revealed(user: User, live):
    shop, pool = await lottery_shop(blank_weight=1)
    draw = await lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="campaign")
    other = await make_shop()
    response = await user.http_client.post(f"/c/{other.card.token}/draws/{draw.id}/reveal")
    assert response.status_code == 404
    await draw.refresh_from_db()
    assert draw.revealed_at is None


async def fairness(user: User, query: str = "") -> Html:
    response = await user.http_client.get(f"/fairness{query}")
    assert response.status_code == 200, response.text
    return Html(response.text)


async def test_the_fairness_page_verifies_a_revealed_draw(user: User, live):
    shop, pool = await lottery_shop(blank_weight=2)
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=3)
    draw = await lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="receipt")

    html = await fairness(user, f"?commitment={draw.commitment}")
    html.should_see("not been revealed yet")
    html.should_not_see(draw.seed)

    await lottery.reveal_draw(shop.card.token, draw.id)
    html = await fairness(user, f"?commitment={draw.commitment}")
    html.should_see("Verified: the seed matches the commitment")
    html.should_see(draw.seed)
    html.should_see("Free cake — weight 3")
    html.should_see(f"Roll {lottery.roll_of(draw.seed)}")
    [won] = html.marks("winning-entry")
    assert html.marks("fairness-result") and won


async def test_the_fairness_page_explains_and_rejects_unknown_commitments(user: User, live):
    html = await fairness(user, "?commitment=" + "0" * 64)
    html.should_see("How to check a prize draw")
    html.should_see("printf '%s' SEED:roll | sha256sum")
    html.should_see("No draw has this commitment.")
    (await fairness(user, "?lang=ja")).should_see("抽選の確認方法")


async def test_the_check_is_a_plain_form_that_needs_no_script(user: User, live):
    """The form sends `?commitment=` by GET: a check works without JavaScript and can be shared."""
    response = await user.http_client.get("/fairness?commitment=abc")
    html = Html(response.text)
    [field] = html.marks("commitment-input")
    assert field["name"] == "commitment" and field["value"] == "abc"
    assert '<form class="box check-form" method="get" action="/fairness">' in response.text
    assert html.marks("check") and html.marks("language")
    assert "<script>" not in response.text  # the policy allows no inline script
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
