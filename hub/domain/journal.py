"""The journal: every card operation of a business, newest first, filterable.

Paged by keyset (`id < before_id`) over the `(business_id, id)` index, so the
hundredth page costs the same as the first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from hub.errors import InvalidInput
from hub.models import Card, CardEvent

KINDS = {
    "issued": "Card issued",
    "joined": "Card issued: joined from the poster",
    "stamp": "Stamp",
    "stamp_manual": "Stamp added by owner",
    "stamp_removed": "Stamp removed by owner",
    "stamp_undone": "Stamp undone at the counter",
    "stamp_reversed": "Stamps taken back: check voided at the POS",
    "voucher_issued": "Voucher issued",
    "voucher_redeemed": "Voucher redeemed",
    "voucher_expired": "Voucher expired",
    "voucher_reinstated": "Voucher back: its redemption was voided at the POS",
    "deleted": "Card deleted",
    "transferred_out": "Moved to another card at the POS",
    "transferred_in": "Received from another card at the POS",
    "message_sent": "Message sent",
    "message_failed": "Message not delivered",
    "wallet_added": "Added to a wallet",
    "wallet_removed": "Removed from a wallet",
    "lottery_drawn": "Lottery draw",
}
TRANSFERS = ("transferred_out", "transferred_in")


async def record(conn: BaseDBAsyncClient, card: Card, kind: str, **columns: Any) -> CardEvent:
    """One journal row about `card`, written with the operation's transaction `conn`; the row
    keeps the card's stamps after the operation unless `stamps_after` says otherwise."""
    if kind not in KINDS:
        raise ValueError(f"the journal has no label for {kind!r}")
    columns.setdefault("stamps_after", card.stamps)
    return await CardEvent.create(
        business_id=card.business_id, card_id=card.id, customer_id=card.customer_id, kind=kind, using_db=conn, **columns
    )


# Where a voucher, a stamp or a draw came from, as the owner would say it.
SOURCES = {
    "card_full": "full card",
    "manual": "issued by hand",
    "campaign": "campaign",
    "lottery": "lottery win",
    "insert": "delivery insert",
    "receipt": "receipt QR",
}
VIA = {
    "scan": "scanned",
    "counter": "at the counter",
    "code": "redeem code",
    "pos": "POS",
    "api": "API",
    "another": "scanned",
}
PLATFORMS = {"web": "web card", "apple": "Apple Wallet", "google": "Google Wallet"}


@dataclass(frozen=True)
class JournalFilter:
    kind: str | None = None
    location_id: int | None = None
    seat_id: int | None = None
    day_from: date | None = None
    day_to: date | None = None
    card_id: int | None = None


@dataclass
class JournalRow:
    id: int
    created_at: datetime
    kind: str
    card_id: int
    card_number: int
    customer_name: str
    delta: int
    stamps_after: int
    seat: str | None
    location: str | None
    detail: dict[str, Any]
    # A scan the scanner queued offline: when it was read at the counter (created_at is when
    # it reached the server).
    scanned_at: datetime | None = None

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def summary(self) -> str:
        """The row's detail in words; never empty, so no row leaves the owner guessing."""
        detail = self.detail or {}
        if self.kind in ("stamp", "stamp_manual", "stamp_removed", "stamp_undone", "stamp_reversed", *TRANSFERS):
            sign = "+" if self.delta > 0 else ""
            text = f"{sign}{self.delta} → {self.stamps_after}"
            if detail.get("deliberate"):
                return f"{text} (another item, same visit)"
            if detail.get("pos") == "toast":
                return f"{text} ({_toast_check(detail)})"
            if detail.get("source") in SOURCES:
                text = f"{text} ({SOURCES[detail['source']]})"
            return f"{text} ({detail['note']})" if detail.get("note") else text
        if self.kind.startswith("voucher_"):
            parts = [detail.get("title") or "Voucher"]
            if self.kind == "voucher_issued" and detail.get("source") in SOURCES:
                parts.append(SOURCES[detail["source"]])
            if self.kind == "voucher_redeemed" and detail.get("via") in VIA:
                parts.append(VIA[detail["via"]])
            if detail.get("by"):
                parts.append(f"by {_who(detail['by'])}")
            text = " · ".join(parts)
            if detail.get("pos") == "toast":
                return f"{text} ({_toast_check(detail)})"
            return f"{text} ({detail['note']})" if detail.get("note") else text
        if self.kind in ("issued", "joined"):
            return f"on the {PLATFORMS.get(detail.get('platform', 'web'), 'web card')}"
        if self.kind in ("message_sent", "message_failed"):
            channel = {"push": "PUSH", "email": "Email", "messenger": "Messenger"}.get(detail.get("channel", ""), "")
            text = f"{channel}: {detail.get('subject') or detail.get('campaign', '')}".strip(": ") or "Message"
            return f"{text} ({detail['error']})" if detail.get("error") else text
        if self.kind in ("wallet_added", "wallet_removed"):
            return PLATFORMS.get(detail.get("platform", ""), "a wallet")
        if self.kind == "lottery_drawn":
            won = f"won {detail.get('title') or 'a prize'}" if detail.get("won") else "no prize this time"
            source = SOURCES.get(detail.get("source", ""))
            return f"{won} ({source})" if source else won
        if self.kind == "deleted":
            return f"by {_who(detail.get('by') or 'admin')} · {self.stamps_after} stamps at the time"
        return "—"


def _who(actor: str) -> str:
    """ "owner:ana@cafe.com" → "ana@cafe.com"; "admin", "api" stay as they are."""
    return actor.split(":", 1)[1] if ":" in actor else actor


def _toast_check(detail: dict[str, Any]) -> str:
    """Where a Toast operation came from: the check number staff see, and the check's GUID."""
    number = f" #{detail['check_number']}" if detail.get("check_number") else ""
    guid = f" {detail['check_guid']}" if detail.get("check_guid") else ""
    return f"Toast check{number}{guid}"


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


async def entries(
    business_id: int, flt: JournalFilter = JournalFilter(), *, before_id: int | None = None, limit: int = 50
) -> list[JournalRow]:
    """Up to `limit` rows older than `before_id`, newest first."""
    if flt.kind and flt.kind not in KINDS:
        raise InvalidInput("Unknown operation.", field="kind")
    query = CardEvent.filter(business_id=business_id)
    if flt.kind:
        query = query.filter(kind=flt.kind)
    if flt.location_id:
        query = query.filter(location_id=flt.location_id)
    if flt.seat_id:
        query = query.filter(seat_id=flt.seat_id)
    if flt.card_id:
        query = query.filter(card_id=flt.card_id)
    if flt.day_from:
        query = query.filter(created_at__gte=_start(flt.day_from))
    if flt.day_to:
        query = query.filter(created_at__lt=_start(flt.day_to + timedelta(days=1)))
    if before_id:
        query = query.filter(id__lt=before_id)
    values = (
        await query.order_by("-id")
        .limit(max(1, min(limit, 500)))
        .values(
            "id",
            "created_at",
            "kind",
            "card_id",
            "card__number",
            "card__customer__name",
            "delta",
            "stamps_after",
            "seat__name",
            "location__name",
            "detail",
            "scanned_at",
        )
    )
    return [
        JournalRow(
            id=v["id"],
            created_at=v["created_at"],
            kind=v["kind"],
            card_id=v["card_id"],
            card_number=v["card__number"],
            customer_name=v["card__customer__name"],
            delta=v["delta"],
            stamps_after=v["stamps_after"],
            seat=v["seat__name"],
            location=v["location__name"],
            detail=_json(v["detail"]),
            scanned_at=v["scanned_at"],
        )
        for v in values
    ]


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, str):  # values() skips JSON decoding on some backends
        return json.loads(value)
    return value or {}
