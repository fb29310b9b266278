"""Every event the core actions emit matches its declared TypedDict."""

import typing

from hub.domain.cards import delete_card
from hub.domain.stamps import add_stamp, adjust_stamps
from hub.domain.vouchers import expire_vouchers, redeem_voucher
from hub.models import Voucher
from hub.realtime import events
from tests.events import CapturedEvents
from tests.factories import new_card

DECLARED = {
    "card.updated": events.CardUpdated,
    "card.issued": events.CardIssued,
    "card.stamped": events.CardStamped,
    "card.deleted": events.CardDeleted,
    "voucher.issued": events.VoucherEvent,
    "voucher.redeemed": events.VoucherEvent,
    "voucher.expired": events.VoucherEvent,
}


def check(event: dict) -> None:
    schema = DECLARED[event["type"]]
    hints = typing.get_type_hints(schema)
    missing = schema.__required_keys__ - set(event)
    unknown = set(event) - set(hints)
    assert not missing and not unknown, (event["type"], missing, unknown)


async def test_core_actions_emit_events_that_match_their_schemas(shop):
    async with CapturedEvents() as captured:
        card = await new_card(shop)
        for _ in range(8):
            await add_stamp(shop.business_id, card.id, seat_id=shop.seat.id, location_id=shop.location.id)
        await adjust_stamps(shop.business_id, card.id, 1)
        voucher = await Voucher.get(card_id=card.id)
        await redeem_voucher(shop.business_id, voucher, seat_id=shop.seat.id)
        await expire_vouchers()
        await delete_card(shop.business_id, card.id)
    kinds = {e["type"] for e in captured.events}
    expected = {"card.issued", "card.stamped", "card.updated", "voucher.issued", "voucher.redeemed", "card.deleted"}
    assert expected <= kinds
    for event in captured.events:
        if event["type"] in DECLARED:
            check(event)
