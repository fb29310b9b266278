import uuid

from hub.clock import utcnow
from hub.domain.stamps import adjust_stamps
from hub.models import Card, CardEvent
from hub.wallet import passes, sync
from hub.wallet.links import wallet_links
from hub.wallet.receipts import history_note, history_notes, wallet_receipts
from tests.factories import new_card


async def test_the_card_page_offers_both_wallets_when_google_is_configured(wallet, shop):
    links = wallet_links(shop.card)
    assert [link["platform"] for link in links] == ["apple", "google"]
    assert links[0]["url"] == f"http://testserver/wallet/apple/{shop.card.token}.pkpass"
    assert links[1]["url"] == f"http://testserver/wallet/google/{shop.card.token}"


async def test_without_google_settings_only_apple_is_offered(wallet, shop, configure):
    configure(GOOGLE_WALLET_ISSUER_ID=None)
    assert [link["platform"] for link in wallet_links(shop.card)] == ["apple"]


async def test_a_deleted_card_offers_no_wallet(wallet, shop):
    from hub.domain.cards import delete_card

    card = await new_card(shop)
    await delete_card(shop.business_id, card.id)
    assert wallet_links(await Card.get(id=card.id)) == []


async def test_the_history_says_not_yet_until_the_phone_fetches_the_pass(wallet, shop):
    card = await new_card(shop)
    assert await history_note(card.id, utcnow()) is None  # in no Apple wallet
    await passes.register_device(card.id, uuid.uuid4().hex, uuid.uuid4().hex)
    await adjust_stamps(shop.business_id, card.id, 1)
    stamp = await CardEvent.filter(card_id=card.id, kind="stamp_manual").first()
    await sync.sync_card(card.id)
    assert await history_note(card.id, stamp.created_at) == "not yet"
    [receipt] = await wallet_receipts(card.id)
    assert receipt.pushed_at is not None and not receipt.up_to_date

    _, row = await sync.current_pass(await Card.get(id=card.id))
    await passes.record_fetch(card.id, row.version)
    note = await history_note(card.id, stamp.created_at)
    assert note is not None and note.startswith("updated in wallet at ")
    [receipt] = await wallet_receipts(card.id)
    assert receipt.up_to_date and receipt.fetched_version == row.version
    notes = await history_notes(card.id, [stamp.created_at, utcnow()])
    assert notes == {stamp.created_at: note, **{k: "not yet" for k in notes if k != stamp.created_at}}


async def test_a_card_in_no_wallet_has_no_history_notes(wallet, shop):
    assert await history_notes(shop.card.id, [utcnow()]) == {}
