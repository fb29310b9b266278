"""Undoing a POS transaction exactly: the stamps a check gave, or the vouchers it redeemed.

Unlike the counter's undo (hub.domain.visits), a POS reversal comes whenever the check is
voided, possibly after other stamps: it takes back exactly the stamps it gave (and the
vouchers they earned, unless one was redeemed meanwhile), whatever happened since.
"""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from hub.domain import journal, stamp_rows
from hub.domain.cards import updated_event
from hub.domain.locks import lock_card
from hub.domain.vouchers import expire_voucher
from hub.errors import CannotUndo
from hub.models import CardEvent, CardTemplate, Voucher, VoucherState
from hub.realtime import outbox

REVERSED = "stamp_reversed"
REINSTATED = "voucher_reinstated"


def reversal_key(stamp_key: str) -> str:
    return f"reverse:{stamp_key}"[:128]


async def reverse_stamps(
    business_id: int, stamp_key: str, *, location_id: int | None = None, detail: dict[str, Any] | None = None
) -> int:
    """Take back the stamps journaled under `stamp_key`; returns how many (0 when that stamp was
    already reversed). The vouchers those stamps earned are withdrawn with them; CannotUndo when
    one was redeemed meanwhile or the stamps played a prize draw. Exactly once: the reversal
    has its own idempotency key."""
    try:
        async with outbox.transaction() as conn:
            stamp = await CardEvent.get_or_none(
                business_id=business_id, idempotency_key=stamp_key, kind="stamp"
            ).using_db(conn)
            if stamp is None:
                return 0
            card = await lock_card(conn, stamp.card_id)
            if card is None:
                raise CannotUndo("This card was deleted.")
            done = CardEvent.filter(business_id=business_id, idempotency_key=reversal_key(stamp_key))
            if await done.using_db(conn).exists():
                return 0
            template = await CardTemplate.get(id=card.template_id).using_db(conn)
            rounds = stamp.stamps_after // template.stamps_required
            if rounds and template.reward_type == "lottery":
                raise CannotUndo("These stamps played the prize draw; they cannot be taken back.")
            later = await CardEvent.filter(card_id=card.id, id__gt=stamp.id).using_db(conn).order_by("id")
            earned = [e.voucher_id for e in later if e.kind == "voucher_issued" and e.voucher_id][:rounds]
            for voucher in await Voucher.filter(id__in=earned).using_db(conn):
                if not await expire_voucher(conn, voucher, card, note="check voided", location_id=location_id):
                    raise CannotUndo(f"The reward “{voucher.title}” from these stamps was already redeemed.")
            # Later stamps stay; a card never goes below zero nor turns full again by a reversal.
            stamps = card.stamps + rounds * template.stamps_required - stamp.delta
            card.stamps = max(0, min(stamps, template.stamps_required - 1))
            card.stamps_total -= stamp.delta
            card.rounds_completed -= rounds
            await card.save(update_fields=list(stamp_rows.COUNTERS), using_db=conn)
            await journal.record(
                conn,
                card,
                REVERSED,
                delta=-stamp.delta,
                location_id=location_id,
                idempotency_key=reversal_key(stamp_key),
                detail={**(detail or {}), "reverses": stamp.id},
            )
            await outbox.record(conn, updated_event(card, template))
    except IntegrityError:  # the same stamps reversed at the same moment by another request
        return 0
    return stamp.delta


async def reinstate_vouchers(
    business_id: int,
    card_id: int,
    voucher_ids: list[int],
    *,
    via: str,
    location_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> list[int]:
    """Vouchers redeemed `via` a POS go back to active (its check was voided); returns those that
    did. Conditional like a redemption: of a reinstatement and anything else only one acts."""
    back: list[int] = []
    async with outbox.transaction() as conn:
        card = await lock_card(conn, card_id)
        if card is None or card.business_id != business_id:
            return back
        template = await CardTemplate.get(id=card.template_id).using_db(conn)
        mine = Voucher.filter(id__in=voucher_ids, business_id=business_id, card_id=card.id)
        for voucher in await mine.using_db(conn):
            changed = (
                await Voucher.filter(id=voucher.id, state=VoucherState.REDEEMED, redeemed_via=via)
                .using_db(conn)
                .update(
                    state=VoucherState.ACTIVE,
                    redeemed_at=None,
                    redeemed_seat_id=None,
                    redeemed_location_id=None,
                    redeemed_via=None,
                )
            )
            if not changed:
                continue
            back.append(voucher.id)
            await journal.record(
                conn,
                card,
                REINSTATED,
                voucher_id=voucher.id,
                location_id=location_id,
                detail={**(detail or {}), "title": voucher.title, "via": via},
            )
        if back:
            await outbox.record(conn, updated_event(card, template))
    return back
