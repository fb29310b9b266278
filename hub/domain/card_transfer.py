"""Moving a customer's card onto another card of theirs (a POS "transfer": the guest signed up
again, or swaps to the card they already had): stamps and usable vouchers go over, the old
card is closed. One transaction, both cards locked in id order, so nothing is counted twice."""

from __future__ import annotations

from typing import Any

from hub.clock import utcnow
from hub.domain import journal, stamp_rows
from hub.domain.cards import updated_event
from hub.domain.locks import lock_card
from hub.domain.stamps import reward_full_rounds
from hub.domain.vouchers import LIVE
from hub.errors import InvalidInput, NotFound
from hub.models import Card, CardTemplate, Voucher
from hub.realtime import outbox
from hub.realtime.events import CardDeleted

OUT, IN = "transferred_out", "transferred_in"


async def transfer_card(business_id: int, from_id: int, to_id: int, *, detail: dict[str, Any] | None = None) -> Card:
    """Returns the card that now holds everything. Both cards must be live cards of one stamp
    card of the business (InvalidInput / NotFound otherwise)."""
    if from_id == to_id:
        raise InvalidInput("A card cannot be transferred onto itself.")
    now = utcnow()
    async with outbox.transaction() as conn:
        locked = {card_id: await lock_card(conn, card_id) for card_id in sorted((from_id, to_id))}
        source, target = locked[from_id], locked[to_id]
        for card in (source, target):
            if card is None or card.business_id != business_id or card.deleted_at is not None:
                raise NotFound("No such card.")
        if source.template_id != target.template_id:
            raise InvalidInput("Only cards of the same stamp card can be merged.")
        template = await CardTemplate.get(id=target.template_id).using_db(conn)
        moved = await Voucher.filter(card_id=source.id, state__in=LIVE).using_db(conn).update(card_id=target.id)
        stamps = source.stamps
        note = {**(detail or {}), "vouchers": moved}
        await journal.record(
            conn,
            source,
            OUT,
            delta=-stamps,
            stamps_after=0,
            detail={**note, "to_card": target.number},
        )
        source.stamps = 0
        source.deleted_at = now
        await source.save(update_fields=["stamps", "deleted_at"], using_db=conn)
        target.stamps += stamps
        target.stamps_total += stamps
        await journal.record(
            conn,
            target,
            IN,
            delta=stamps,
            detail={**note, "from_card": source.number},
        )
        await reward_full_rounds(conn, target, template, now=now)
        await target.save(update_fields=list(stamp_rows.COUNTERS), using_db=conn)
        closed: CardDeleted = {
            "type": "card.deleted",
            "business_id": business_id,
            "card_id": source.id,
            "number": source.number,
            "token": source.token,
        }
        await outbox.record_many(conn, [closed, updated_event(source, template), updated_event(target, template)])
    return target
