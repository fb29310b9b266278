"""The owner's accrue rule decides how many stamps a paid Toast check gives; the check's GUID is
kept on the journal row, and the stamp reaches the card page, wallets and webhooks like any scan."""

from __future__ import annotations

from hub.domain.toast_connections import Rule, update_rule
from hub.models import Card, CardEvent, OutboxEvent
from tests.integrations.toast.toast_pos import check, selection


async def stamps(card_id: int) -> int:
    return (await Card.get(id=card_id)).stamps


async def test_one_stamp_per_paid_check_whatever_is_on_it(asgi_toast, shop):
    paid = check([selection("Latte", 4.2, quantity=3), selection("Croissant", 3.1)])
    reply = await asgi_toast.accrue(str(shop.card.number), paid)
    assert reply.status == 200 and reply.transaction_status == "ACCEPT"
    assert reply.json["checkResponse"]["userMessage"].startswith("+1 stamp: 1 of 8")
    assert await stamps(shop.card.id) == 1
    row = await CardEvent.get(card_id=shop.card.id, kind="stamp")
    assert row.detail["check_guid"] == paid["guid"] and row.detail["source"] == "toast"
    assert row.location_id == shop.location.id
    recent = await OutboxEvent.all().order_by("-id").limit(50)
    types = [e.payload["type"] for e in recent if e.payload.get("card_id") == shop.card.id]
    assert "card.stamped" in types


async def test_per_item_rule_counts_qualifying_items_by_name_guid_or_plu(asgi_toast, shop):
    espresso_guid = "5abf524e-31b5-4c1b-a797-7a44d888d071"
    await update_rule(shop.business_id, Rule("item", ("latte", espresso_guid, "PLU-77"), reward_value=350))
    paid = check(
        [
            selection(" Latte ", 4.2, quantity=2),  # by name, any case and spacing: 2
            selection("Double espresso", 3.0, guid=espresso_guid),  # by menu item GUID: 1
            selection("Flat white", 3.8, plu="PLU-77"),  # by PLU: 1
            selection("Latte", 4.2, voided=True),  # voided: none
            selection("Croissant", 3.1),  # not qualifying
        ]
    )
    reply = await asgi_toast.accrue(str(shop.card.number), paid)
    assert reply.transaction_status == "ACCEPT"
    assert await stamps(shop.card.id) == 4


async def test_per_amount_rule_gives_one_stamp_per_amount_spent_up_to_the_cap(asgi_toast, shop):
    await update_rule(shop.business_id, Rule("amount", amount_per_stamp=500, max_stamps=3, reward_value=350))
    await asgi_toast.accrue(str(shop.card.number), check([selection("Lunch", 14.99)]))
    assert await stamps(shop.card.id) == 2  # 14.99 is two full 5.00
    await asgi_toast.accrue(str(shop.card.number), check([selection("Party", 80.0)]))
    assert await stamps(shop.card.id) == 5  # capped at 3 per check


async def test_a_check_below_the_minimum_or_voided_gives_nothing_and_says_so(asgi_toast, shop):
    await update_rule(shop.business_id, Rule("check", min_amount=500, reward_value=350))
    small = await asgi_toast.accrue(str(shop.card.number), check([selection("Cookie", 2.5)]))
    voided = await asgi_toast.accrue(str(shop.card.number), check([selection("Lunch", 12.0)], voided=True))
    assert small.transaction_status == voided.transaction_status == "ACCEPT"
    assert small.json["checkResponse"]["userMessage"].startswith("No stamps for this check")
    assert await stamps(shop.card.id) == 0


async def test_a_check_without_a_loyalty_account_is_accepted_and_changes_nothing(asgi_toast, shop):
    reply = await asgi_toast.accrue(None, check([selection("Latte", 4.2)]))
    assert reply.status == 200 and reply.json == {"transactionStatus": "ACCEPT"}
    assert await stamps(shop.card.id) == 0


async def test_the_same_check_resent_under_a_new_guid_earns_only_once(asgi_toast, shop):
    paid = check([selection("Latte", 4.2)])
    first = await asgi_toast.accrue(str(shop.card.number), paid)
    again = await asgi_toast.accrue(str(shop.card.number), paid)
    assert first.guid != again.guid
    assert again.json["checkResponse"]["userMessage"].startswith("This check already earned its stamps")
    assert await stamps(shop.card.id) == 1


async def test_a_full_card_earns_its_voucher_through_toast(asgi_toast, shop):
    await update_rule(shop.business_id, Rule("item", ("Latte",), reward_value=350))
    reply = await asgi_toast.accrue(str(shop.card.number), check([selection("Latte", 4.2, quantity=9)]))
    assert "Reward earned: Free coffee" in reply.json["checkResponse"]["userMessage"]
    card = await Card.get(id=shop.card.id)
    assert (card.stamps, card.rounds_completed) == (1, 1)


async def test_the_journal_names_the_toast_check_a_stamp_came_from(asgi_toast, shop):
    from hub.domain.journal import JournalFilter, entries

    paid = check([selection("Latte", 4.2)])
    await asgi_toast.accrue(str(shop.card.number), paid)
    [row] = [r for r in (await entries(shop.business_id, JournalFilter(card_id=shop.card.id))) if r.kind == "stamp"]
    assert row.summary == f"+1 → 1 (Toast check #42 {paid['guid']})"
