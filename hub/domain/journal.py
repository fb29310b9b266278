"""The journal: every card operation of a business, newest first, filterable.

Paged by keyset (`id < before_id`) over the `(business_id, id)` index, so the
hundredth page costs the same as the first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hub.errors import InvalidInput
from hub.models import CardEvent

KINDS = {
    "issued": "Card issued",
    "joined": "Card issued: joined from the poster",
    "stamp": "Stamp",
    "stamp_manual": "Stamp added by owner",
    "stamp_removed": "Stamp removed by owner",
    "stamp_undone": "Stamp undone at the counter",
    "voucher_issued": "Voucher issued",
    "voucher_redeemed": "Voucher redeemed",
    "voucher_expired": "Voucher expired",
    "deleted": "Card deleted",
    "message_sent": "Message sent",
    "message_failed": "Message not delivered",
    "wallet_added": "Added to a wallet",
    "wallet_removed": "Removed from a wallet",
}


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
        detail = self.detail or {}
        if self.kind in ("stamp", "stamp_manual", "stamp_removed", "stamp_undone"):
            sign = "+" if self.delta > 0 else ""
            text = f"{sign}{self.delta} → {self.stamps_after}"
            if detail.get("deliberate"):
                return f"{text} (another item, same visit)"
            return f"{text} ({detail['note']})" if detail.get("note") else text
        if self.kind.startswith("voucher_"):
            title = detail.get("title", "")
            note = f" ({detail['note']})" if detail.get("note") else ""
            return f"{title}{note}"
        if self.kind in ("issued", "joined"):
            return f"on {detail.get('platform', 'web')}"
        if self.kind in ("message_sent", "message_failed"):
            channel = {"push": "PUSH", "email": "Email", "messenger": "Messenger"}.get(detail.get("channel", ""), "")
            text = f"{channel}: {detail.get('subject') or detail.get('campaign', '')}"
            return f"{text} ({detail['error']})" if detail.get("error") else text
        if self.kind in ("wallet_added", "wallet_removed"):
            return {"apple": "Apple Wallet", "google": "Google Wallet"}.get(detail.get("platform", ""), "")
        return ""


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
