from datetime import UTC, datetime, timedelta

import pytest

from hub.clock import utcnow
from hub.domain import analytics, lottery, receipts
from hub.domain.receipts import create_receipt_key, receipt_code, use_receipt
from hub.errors import ForeignCard, ForgedCode, MalformedCode
from hub.models import Card, CardEvent, LotteryDraw, ReceiptKey, ReceiptUse, Voucher
from tests.factories import make_shop, new_card

# The published test vectors (docs/RECEIPT_QR.md): anyone implementing the algorithm must match them.
VECTOR_SECRET = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
VECTORS = [
    ((7, "R-2026-000123", 1250, 1795430400), "RCPT1.7.R-2026-000123.1250.1795430400.Z63XRZXWEFTGNYA6"),
    ((7, "R-2026-000124", 450, 1795430460), "RCPT1.7.R-2026-000124.450.1795430460.XPNWJRYARY3DNRYN"),
    ((12, "till2_88812", 10999, 1795500000), "RCPT1.12.till2_88812.10999.1795500000.VSR7P3KQHIQXDQXZ"),
]


@pytest.mark.parametrize(("fields", "expected"), VECTORS)
def test_the_published_vectors(fields, expected):
    assert receipt_code(VECTOR_SECRET, *fields) == expected


def test_the_docs_show_the_same_vectors_and_their_snippet_computes_them():
    from tests.servers import ROOT

    docs = (ROOT / "docs" / "RECEIPT_QR.md").read_text()
    assert VECTOR_SECRET in docs
    for _, expected in VECTORS:
        assert expected in docs
    snippet = docs.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(snippet, namespace)  # the snippet asserts the first vector itself
    fields, expected = VECTORS[2]
    key_id, receipt_id, amount, issued_at = fields
    url = namespace["receipt_qr"]("https://x.example", key_id, VECTOR_SECRET, receipt_id, amount, issued_at)
    assert url == f"https://x.example/i/{expected}"


def printed(key: ReceiptKey, receipt_id: str, amount: int = 1000, at: datetime | None = None) -> str:
    issued = int((at or datetime.now(UTC)).timestamp())
    return receipt_code(key.secret, key.id, receipt_id, amount, issued)


async def key_for(shop, **rule) -> ReceiptKey:
    return await create_receipt_key(shop.business_id, shop.location.id, shop.template.id, **rule)


async def test_a_receipt_gives_one_stamp_and_its_replay_is_rejected_with_a_reason(shop):
    key = await key_for(shop)
    code = printed(key, "R-1")
    claim = await use_receipt(code, shop.card.token)
    assert claim.outcome == "stamped" and claim.stamps == 1 and claim.card.stamps == 1
    replay = await use_receipt(code, shop.card.token)
    assert replay.outcome == "rejected" and replay.reason == "receipt_used" and "already gave" in replay.message
    other = await new_card(shop)
    assert (await use_receipt(code, other.token)).reason == "receipt_used"
    assert (await Card.get(id=shop.card.id)).stamps == 1 and (await Card.get(id=other.id)).stamps == 0
    event = await CardEvent.get(card_id=shop.card.id, kind="stamp")
    assert event.detail == {"source": "receipt"} and event.location_id == shop.location.id


async def test_a_stale_receipt_and_one_from_the_future_are_rejected(shop):
    key = await key_for(shop, max_age_hours=24)
    stale = await use_receipt(printed(key, "R-2", at=datetime.now(UTC) - timedelta(hours=25)), shop.card.token)
    assert stale.outcome == "rejected" and stale.reason == "stale_receipt" and "24 hours" in stale.message
    future = await use_receipt(printed(key, "R-3", at=datetime.now(UTC) + timedelta(hours=1)), shop.card.token)
    assert future.reason == "future_receipt"
    assert (await Card.get(id=shop.card.id)).stamps == 0
    assert not await ReceiptUse.filter(location_id=shop.location.id).exists()


async def test_tampered_or_foreign_receipts_are_refused(shop, other_shop):
    key = await key_for(shop)
    code = printed(key, "R-4", amount=500)
    with pytest.raises(ForgedCode):
        await use_receipt(code.replace(".500.", ".50000."), shop.card.token)
    with pytest.raises(MalformedCode):
        await use_receipt("RCPT1.garbage", shop.card.token)
    with pytest.raises(ForeignCard):
        await use_receipt(code, other_shop.card.token)


async def test_an_amount_rule_gives_stamps_per_amount_and_nothing_below_the_minimum():
    shop = await make_shop()
    key = await key_for(shop, min_amount=500, amount_per_stamp=1000, max_stamps=3)
    small = await use_receipt(printed(key, "A-1", amount=499), shop.card.token)
    assert small.reason == "below_minimum" and "5.00" in small.message
    two = await use_receipt(printed(key, "A-2", amount=2550), shop.card.token)
    assert two.outcome == "stamped" and two.stamps == 2 and two.card.stamps == 2
    capped = await use_receipt(printed(key, "A-3", amount=99000), shop.card.token)
    assert capped.stamps == 3 and capped.card.stamps == 5
    assert (await ReceiptUse.get(receipt_id="A-3", location_id=shop.location.id)).stamps == 3


async def test_a_cooldown_keeps_the_receipt_good_for_later():
    shop = await make_shop(cooldown_seconds=600)
    key = await key_for(shop)
    assert (await use_receipt(printed(key, "C-1"), shop.card.token)).outcome == "stamped"
    held = await use_receipt(printed(key, "C-2"), shop.card.token)
    assert held.reason == "cooldown"
    assert not await ReceiptUse.filter(receipt_id="C-2").exists()


async def test_a_receipt_worth_three_stamps_gives_all_three_despite_a_cooldown():
    shop = await make_shop(cooldown_seconds=600)
    key = await key_for(shop, amount_per_stamp=1000, max_stamps=5)
    claim = await use_receipt(printed(key, "M-1", amount=3000), shop.card.token)
    assert claim.outcome == "stamped" and claim.stamps == 3 and claim.card.stamps == 3
    events = await CardEvent.filter(card_id=shop.card.id, kind="stamp")
    assert [(e.delta, e.stamps_after) for e in events] == [(3, 3)]


async def test_a_big_receipt_that_fills_the_card_twice_earns_two_rewards():
    shop = await make_shop(stamps_required=3)
    key = await key_for(shop, amount_per_stamp=1000, max_stamps=10)
    claim = await use_receipt(printed(key, "M-2", amount=7000), shop.card.token)
    assert claim.outcome == "reward" and claim.stamps == 7
    card = await Card.get(id=shop.card.id)
    assert (card.stamps, card.stamps_total, card.rounds_completed) == (1, 7, 2)
    assert await Voucher.filter(card_id=card.id).count() == 2


async def test_the_daily_cap_grants_what_is_left_of_today():
    shop = await make_shop(daily_cap=4)
    key = await key_for(shop, amount_per_stamp=1000, max_stamps=10)
    first = await use_receipt(printed(key, "M-3", amount=3000), shop.card.token)
    second = await use_receipt(printed(key, "M-4", amount=3000), shop.card.token)
    assert (first.stamps, second.stamps) == (3, 1)
    third = await use_receipt(printed(key, "M-5", amount=3000), shop.card.token)
    assert third.reason == "daily_cap" and (await Card.get(id=shop.card.id)).stamps == 4


async def test_rotation_retires_the_old_key_and_revoking_kills_it(shop):
    old = await key_for(shop)
    before = printed(old, "K-1", at=datetime.now(UTC) - timedelta(minutes=5))
    new = await key_for(shop)
    assert (await ReceiptKey.get(id=old.id)).retired_at is not None
    after = printed(old, "K-2", at=datetime.now(UTC) + timedelta(seconds=5))
    assert (await use_receipt(before, shop.card.token)).outcome == "stamped"
    assert (await use_receipt(after, shop.card.token)).reason == "key_revoked"
    assert (await use_receipt(printed(new, "K-3"), shop.card.token)).outcome == "stamped"
    await receipts.revoke_receipt_key(shop.business_id, new.id)
    assert (await use_receipt(printed(new, "K-4"), shop.card.token)).reason == "key_revoked"


async def test_a_lottery_receipt_fires_one_draw(shop):
    pool = await lottery.create_pool(shop.business_id, "Receipt prizes", blank_weight=1)
    key = await key_for(shop, pool_id=pool.id)
    code = printed(key, "L-1")
    claim = await use_receipt(code, shop.card.token)
    assert claim.outcome == "lottery" and claim.draw.source == "receipt"
    assert (await use_receipt(code, shop.card.token)).reason == "receipt_used"
    assert await LotteryDraw.filter(card_id=shop.card.id).count() == 1


async def test_analytics_count_a_receipts_stamps_not_its_visits():
    shop = await make_shop()
    key = await key_for(shop, amount_per_stamp=1000, max_stamps=5)
    await use_receipt(printed(key, "M-6", amount=3000), shop.card.token)
    today = utcnow().date()
    report = await analytics.overview(shop.business_id, today, today)
    assert report.totals["stamps"] == 3
    [row] = [r for r in report.staff if r.location == "Main Street" and r.stamps]
    assert row.stamps == 3
