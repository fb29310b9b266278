from datetime import UTC, datetime, timedelta

from nicegui.testing import User

from hub.domain import inserts, receipts
from hub.models import Card, InsertCode
from tests.card_pages import Html, submit_join
from tests.factories import new_card
from tests.integrations.insert_steps import PUBLIC, code_of


async def one_code(shop, secret) -> str:
    batch = await inserts.create_batch(shop.business_id, shop.template.id, name="Bags", size=1)
    return code_of((await inserts.batch_urls(batch, secret, PUBLIC))[0])


async def test_a_browser_without_a_card_is_sent_to_join_first(user: User, live, shop, secret):
    code = await one_code(shop, secret)
    response = await user.http_client.get(f"/i/{code}", follow_redirects=True)
    Html(response.text).should_see("Get your stamp card")
    assert (await InsertCode.get(id=inserts.parse_insert_code(secret, code))).used_at is None


async def test_the_stamp_lands_on_the_remembered_card_and_a_second_scan_is_rejected(user: User, live, shop, secret):
    code = await one_code(shop, secret)
    await user.http_client.get(f"/c/{shop.card.token}")  # the card page remembers this browser's card
    await user.open(f"/i/{code}")
    await user.should_see(marker="claim-ok", retries=50)
    await user.should_see("1 / 8")
    assert (await Card.get(id=shop.card.id)).stamps == 1
    await user.open(f"/i/{code}")
    await user.should_see(marker="claim-rejected", retries=50)
    await user.should_see("already used")
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_a_stale_receipt_is_refused_before_anyone_is_asked_to_join(user: User, live, shop):
    key = await receipts.create_receipt_key(shop.business_id, shop.location.id, shop.template.id, max_age_hours=1)
    issued = int((datetime.now(UTC) - timedelta(hours=2)).timestamp())
    code = receipts.receipt_code(key.secret, key.id, "OLD-1", 1000, issued)
    await user.open(f"/i/{code}")
    await user.should_see(marker="claim-rejected")
    await user.should_see("too old")


async def test_a_fresh_receipt_stamps_the_remembered_card(user: User, live, shop):
    key = await receipts.create_receipt_key(shop.business_id, shop.location.id, shop.template.id)
    code = receipts.receipt_code(key.secret, key.id, "NEW-1", 1000, int(datetime.now(UTC).timestamp()))
    await user.http_client.get(f"/c/{shop.card.token}")
    await user.open(f"/i/{code}")
    await user.should_see(marker="claim-ok", retries=50)
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_a_forged_code_shows_a_clear_message(user: User, live):
    await user.open("/i/I.1.AAAAAAAAAAAAAAAA")
    await user.should_see(marker="claim-error")


async def test_the_join_page_hands_the_new_card_over_and_it_is_remembered(user: User, live, shop, secret):
    first, second = await one_code(shop, secret), await one_code(shop, secret)
    other = await new_card(shop, "Ana")
    await user.open(f"/i/{first}?card={other.token}")
    await user.should_see(marker="claim-ok", retries=50)
    await user.open(f"/i/{second}")  # no hand-over now: the browser remembers the card
    await user.should_see(marker="claim-ok", retries=50)
    assert (await Card.get(id=other.id)).stamps == 2 and (await Card.get(id=shop.card.id)).stamps == 0


async def test_a_handed_over_token_of_another_stamp_card_is_ignored(user: User, live, shop, other_shop, secret):
    code = await one_code(shop, secret)
    response = await user.http_client.get(f"/i/{code}?card={other_shop.card.token}", follow_redirects=True)
    Html(response.text).should_see("Get your stamp card")
    assert (await Card.get(id=other_shop.card.id)).stamps == 0


async def test_joining_from_an_insert_lands_the_stamp_on_the_new_card(user: User, live, redis, shop, secret):
    code = await one_code(shop, secret)
    asked = await user.http_client.get(f"/i/{code}")
    assert asked.status_code == 303
    response = await submit_join(
        user.http_client, shop.template.id, "Ana Lima", query="?" + asked.headers["location"].split("?", 1)[1]
    )
    assert response.status_code == 303 and response.headers["location"].startswith(f"/i/{code}?card=")
    await user.open(response.headers["location"])
    await user.should_see(marker="claim-ok", retries=100)
    card = await Card.get(id=(await InsertCode.get(id=inserts.parse_insert_code(secret, code))).card_id)
    assert card.stamps == 1 and card.id != shop.card.id


async def test_the_page_speaks_english_unless_the_browser_asks_otherwise(user: User, live, shop, secret):
    code = await one_code(shop, secret)
    await user.http_client.get(f"/c/{shop.card.token}")
    await user.open(f"/i/{code}")
    await user.should_see("Stamp added!", retries=50)
    await user.should_see("Open my card")


async def test_the_page_speaks_the_browsers_language(user: User, live, shop, secret):
    user.http_client.headers["Accept-Language"] = "de-DE,de;q=0.9,en;q=0.5"
    code = await one_code(shop, secret)
    await user.http_client.get(f"/c/{shop.card.token}")
    await user.open(f"/i/{code}")
    await user.should_see("Stempel hinzugefügt!", retries=50)
    await user.should_see("Prämie: Free coffee")
    await user.should_see("Meine Karte öffnen")
    await user.open(f"/i/{code}")
    await user.should_see("Dieser Code wurde schon benutzt. Jeder Code funktioniert nur einmal.", retries=50)


async def test_a_rejection_is_told_in_the_chosen_language_with_its_numbers(user: User, live, shop):
    key = await receipts.create_receipt_key(shop.business_id, shop.location.id, shop.template.id, max_age_hours=1)
    issued = int((datetime.now(UTC) - timedelta(hours=2)).timestamp())
    code = receipts.receipt_code(key.secret, key.id, "OLD-2", 1000, issued)
    await user.open(f"/i/{code}?lang=de")
    await user.should_see("Dieser Kassenbon ist zu alt: Kassenbons gelten 1 Std.")


async def test_a_phone_in_a_language_we_do_not_speak_reads_the_shop_s_own(user: User, live, shop, secret, offered):
    from hub.domain.businesses import set_card_language
    from tests.catalogues import stand_in

    offered("ru")
    await set_card_language(shop.business_id, "ru")
    user.http_client.headers["Accept-Language"] = "gl-ES"
    code = await one_code(shop, secret)
    await user.http_client.get(f"/c/{shop.card.token}")
    await user.open(f"/i/{code}")
    await user.should_see(stand_in("ru", "Stamp added!"), retries=50)
