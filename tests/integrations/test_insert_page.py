"""/i/<code> over HTTP: a delivery insert or a receipt QR lands its stamp on the card this browser
holds, or sends the customer to join first, and says why when it cannot."""

from datetime import UTC, datetime, timedelta

from nicegui.testing import User

from hub.domain import inserts, lottery_pools, receipts
from hub.models import Card, InsertCode, LotteryDraw
from tests.card_pages import Html, open_code, submit_join
from tests.factories import new_card
from tests.integrations.insert_steps import PUBLIC, code_of


async def one_code(shop, secret, **kind) -> str:
    batch = await inserts.create_batch(shop.business_id, shop.template.id, name="Bags", size=1, **kind)
    return code_of((await inserts.batch_urls(batch, secret, PUBLIC))[0])


async def scanned(user: User, path: str) -> Html:
    response = await open_code(user.http_client, path)
    assert response.status_code == 200, response.text
    return Html(response.text)


def told(html: Html, mark: str, text: str = "") -> None:
    assert html.marks(mark), html.text
    html.should_see(text)


async def test_a_browser_without_a_card_is_sent_to_join_first(user: User, live, shop, secret):
    code = await one_code(shop, secret)
    response = await user.http_client.get(f"/i/{code}", follow_redirects=True)
    Html(response.text).should_see("Get your stamp card")
    assert (await InsertCode.get(id=inserts.parse_insert_code(secret, code))).used_at is None


async def test_the_stamp_lands_on_the_remembered_card_and_a_second_scan_is_rejected(user: User, live, shop, secret):
    code = await one_code(shop, secret)
    await user.http_client.get(f"/c/{shop.card.token}")  # the card page remembers this browser's card
    html = await scanned(user, f"/i/{code}")
    told(html, "claim-ok", "1 / 8")
    assert html.marks("open-card")[0]["href"] == f"/c/{shop.card.token}"
    assert len(html.marks("stamp-filled")) == 1
    assert (await Card.get(id=shop.card.id)).stamps == 1
    told(await scanned(user, f"/i/{code}"), "claim-rejected", "already used")
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_opening_the_address_uses_nothing_until_the_page_posts_it(user: User, live, shop, secret):
    """Link previews and crawlers fetch the address but run no script: the code stays good."""
    code = await one_code(shop, secret)
    await user.http_client.get(f"/c/{shop.card.token}")
    response = await user.http_client.get(f"/i/{code}")
    assert response.status_code == 200 and "data-submit-on-show" in response.text
    html = Html(response.text)
    html.should_see("Adding it to your card…")
    assert not html.marks("language")  # choosing a language would open the address again
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert (await InsertCode.get(id=inserts.parse_insert_code(secret, code))).used_at is None
    assert (await Card.get(id=shop.card.id)).stamps == 0


async def test_another_site_cannot_post_a_code_for_the_visitor(user: User, live, shop, secret):
    code = await one_code(shop, secret)
    forged = await user.http_client.post(
        f"/i/{code}", data={"card": shop.card.token}, headers={"Origin": "https://evil.example"}
    )
    assert forged.status_code == 403
    assert (await Card.get(id=shop.card.id)).stamps == 0


async def test_a_stale_receipt_is_refused_before_anyone_is_asked_to_join(user: User, live, shop):
    key = await receipts.create_receipt_key(shop.business_id, shop.location.id, shop.template.id, max_age_hours=1)
    issued = int((datetime.now(UTC) - timedelta(hours=2)).timestamp())
    code = receipts.receipt_code(key.secret, key.id, "OLD-1", 1000, issued)
    told(await scanned(user, f"/i/{code}"), "claim-rejected", "too old")


async def test_a_fresh_receipt_stamps_the_remembered_card(user: User, live, shop):
    key = await receipts.create_receipt_key(shop.business_id, shop.location.id, shop.template.id)
    code = receipts.receipt_code(key.secret, key.id, "NEW-1", 1000, int(datetime.now(UTC).timestamp()))
    await user.http_client.get(f"/c/{shop.card.token}")
    told(await scanned(user, f"/i/{code}"), "claim-ok", "Stamp added!")
    assert (await Card.get(id=shop.card.id)).stamps == 1
    told(await scanned(user, f"/i/{code}"), "claim-rejected", "This receipt already gave its stamp.")


async def test_a_lottery_code_opens_the_card_where_the_draw_spins(user: User, live, shop, secret):
    pool = await lottery_pools.create_pool(shop.business_id, "Bag draw")
    await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake", weight=1)
    code = await one_code(shop, secret, kind="lottery", pool_id=pool.id)
    await user.http_client.get(f"/c/{shop.card.token}")
    response = await open_code(user.http_client, f"/i/{code}")
    assert response.status_code == 303 and response.headers["location"] == f"/c/{shop.card.token}"
    assert (await LotteryDraw.get(card_id=shop.card.id)).revealed_at is None  # the card page plays it


async def test_a_forged_code_shows_a_clear_message(user: User, live):
    told(await scanned(user, "/i/I.1.AAAAAAAAAAAAAAAA"), "claim-error", "This is not a valid code.")


async def test_the_join_page_hands_the_new_card_over_and_it_is_remembered(user: User, live, shop, secret):
    first, second = await one_code(shop, secret), await one_code(shop, secret)
    other = await new_card(shop, "Ana")
    told(await scanned(user, f"/i/{first}?card={other.token}"), "claim-ok")
    told(await scanned(user, f"/i/{second}"), "claim-ok")  # no hand-over now: the browser remembers the card
    assert (await Card.get(id=other.id)).stamps == 2 and (await Card.get(id=shop.card.id)).stamps == 0


async def test_a_handed_over_token_of_another_stamp_card_is_ignored(user: User, live, shop, other_shop, secret):
    code = await one_code(shop, secret)
    response = await user.http_client.get(f"/i/{code}?card={other_shop.card.token}", follow_redirects=True)
    Html(response.text).should_see("Get your stamp card")
    posted = await user.http_client.post(f"/i/{code}", data={"card": other_shop.card.token})
    assert posted.status_code == 303 and posted.headers["location"].startswith(f"/join/{shop.template.id}?then=")
    assert (await Card.get(id=other_shop.card.id)).stamps == 0


async def test_joining_from_an_insert_lands_the_stamp_on_the_new_card(user: User, live, redis, shop, secret):
    code = await one_code(shop, secret)
    asked = await user.http_client.get(f"/i/{code}")
    assert asked.status_code == 303
    response = await submit_join(
        user.http_client, shop.template.id, "Ana Lima", query="?" + asked.headers["location"].split("?", 1)[1]
    )
    assert response.status_code == 303 and response.headers["location"].startswith(f"/i/{code}?card=")
    told(await scanned(user, response.headers["location"]), "claim-ok")
    card = await Card.get(id=(await InsertCode.get(id=inserts.parse_insert_code(secret, code))).card_id)
    assert card.stamps == 1 and card.id != shop.card.id


async def test_the_page_speaks_english_unless_the_browser_asks_otherwise(user: User, live, shop, secret):
    code = await one_code(shop, secret)
    await user.http_client.get(f"/c/{shop.card.token}")
    html = await scanned(user, f"/i/{code}")
    html.should_see("Stamp added!")
    html.should_see("Open my card")


async def test_the_page_speaks_the_browsers_language(user: User, live, shop, secret):
    user.http_client.headers["Accept-Language"] = "de-DE,de;q=0.9,en;q=0.5"
    code = await one_code(shop, secret)
    await user.http_client.get(f"/c/{shop.card.token}")
    html = await scanned(user, f"/i/{code}")
    assert 'lang="de"' in html.source
    html.should_see("Stempel hinzugefügt!")
    html.should_see("Prämie: Free coffee")
    html.should_see("Meine Karte öffnen")
    again = await scanned(user, f"/i/{code}")
    again.should_see("Dieser Code wurde schon benutzt. Jeder Code funktioniert nur einmal.")


async def test_a_rejection_is_told_in_the_chosen_language_with_its_numbers(user: User, live, shop):
    key = await receipts.create_receipt_key(shop.business_id, shop.location.id, shop.template.id, max_age_hours=1)
    issued = int((datetime.now(UTC) - timedelta(hours=2)).timestamp())
    code = receipts.receipt_code(key.secret, key.id, "OLD-2", 1000, issued)
    html = await scanned(user, f"/i/{code}?lang=de")
    html.should_see("Dieser Kassenbon ist zu alt: Kassenbons gelten 1 Std.")


async def test_a_phone_in_a_language_we_do_not_speak_reads_the_shop_s_own(user: User, live, shop, secret, offered):
    from hub.domain.businesses import set_card_language
    from tests.catalogues import stand_in

    offered("ru")
    await set_card_language(shop.business_id, "ru")
    user.http_client.headers["Accept-Language"] = "gl-ES"
    code = await one_code(shop, secret)
    await user.http_client.get(f"/c/{shop.card.token}")
    (await scanned(user, f"/i/{code}")).should_see(stand_in("ru", "Stamp added!"))
