"""Card and voucher changes → wallet syncs, once per event (run by the relay that claimed it).

Only cards that live in a wallet (a registered Apple device or a Google object) cost a
job; a template regenerate arrives as one `card.updated` per card and flows through here.
"""

from __future__ import annotations

from typing import Any

from hub.models import GoogleWalletObject, WalletRegistration
from hub.realtime.events import CardDeleted, CardUpdated, VoucherEvent, types_of
from hub.realtime.reactions import reaction
from hub.wallet.schedule import schedule_syncs_async

# What a pass shows: the stamps, whether the card still exists, the vouchers on it.
TRIGGERS = types_of(CardUpdated, CardDeleted, VoucherEvent)


@reaction
async def sync_wallet_passes(events: list[dict[str, Any]]) -> None:
    card_ids = {int(e["card_id"]) for e in events if e.get("type") in TRIGGERS and e.get("card_id")}
    if not card_ids:
        return
    in_wallets = set(await WalletRegistration.filter(card_id__in=card_ids).values_list("card_id", flat=True))
    in_wallets |= set(await GoogleWalletObject.filter(card_id__in=card_ids).values_list("card_id", flat=True))
    if in_wallets:
        await schedule_syncs_async(in_wallets)
