"""The card's inbox: every PUSH message a shop sends a card lands here, shown on the card page
(with its attached voucher or the spin it brought), unread until the customer opens it, and
kept for 90 days.

A message is written by the campaign sender in the transaction that marks its delivery
delivered (`record`), so a message is on the page exactly when the campaign log says it was
delivered; the `card.message` event of that transaction brings it to an open page live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import BaseDBAsyncClient

from hub.clock import utcnow
from hub.models import Card, InboxMessage, LotteryDraw, Voucher

KEEP = timedelta(days=90)
SHOWN = 30  # the newest messages on the page; older ones still count as unread until they expire


@dataclass
class InboxItem:
    id: int
    title: str
    body: str
    created_at: datetime
    read: bool
    voucher: Voucher | None = None
    draw_id: int | None = None
    spin_waiting: bool = False  # the attached draw is not played yet: the page offers the spin


async def record(
    conn: BaseDBAsyncClient,
    card: Card,
    *,
    title: str,
    body: str,
    campaign_id: int | None = None,
    delivery_id: int | None = None,
    voucher_id: int | None = None,
    draw_id: int | None = None,
) -> InboxMessage:
    """Put a message on the card's page, inside the caller's transaction."""
    now = utcnow()
    return await InboxMessage.create(
        business_id=card.business_id,
        card_id=card.id,
        campaign_id=campaign_id,
        delivery_id=delivery_id,
        title=title[:200],
        body=body,
        voucher_id=voucher_id,
        draw_id=draw_id,
        expires_at=now + KEEP,
        using_db=conn,
    )


async def card_inbox(
    card_id: int, *, hidden_vouchers: set[int] | frozenset[int] = frozenset()
) -> tuple[list[InboxItem], int]:
    """(the newest messages, how many are unread) of a card, expired ones left out.

    A voucher in `hidden_vouchers` (the prize of a draw not yet watched) is not shown: the
    spin reveals it.
    """
    now = utcnow()
    live = InboxMessage.filter(card_id=card_id, expires_at__gt=now)
    rows = await live.order_by("-id").limit(SHOWN)
    unread = await live.filter(read_at__isnull=True).count() if rows else 0
    draw_ids = [r.draw_id for r in rows if r.draw_id]
    draws = {d.id: d for d in await LotteryDraw.filter(id__in=draw_ids, card_id=card_id)} if draw_ids else {}

    def voucher_of(row: InboxMessage) -> int | None:
        draw = draws.get(row.draw_id) if row.draw_id else None
        return row.voucher_id or (draw.voucher_id if draw is not None else None)

    voucher_ids = [v for v in map(voucher_of, rows) if v and v not in hidden_vouchers]
    vouchers = {v.id: v for v in await Voucher.filter(id__in=voucher_ids, card_id=card_id)} if voucher_ids else {}
    items = []
    for row in rows:
        draw = draws.get(row.draw_id) if row.draw_id else None
        voucher_id = voucher_of(row)
        items.append(
            InboxItem(
                id=row.id,
                title=row.title,
                body=row.body,
                created_at=row.created_at,
                read=row.read_at is not None,
                voucher=vouchers.get(voucher_id) if voucher_id else None,
                draw_id=row.draw_id,
                spin_waiting=draw is not None and draw.revealed_at is None,
            )
        )
    return items, unread


async def mark_read(token: str, message_id: int) -> int | None:
    """The customer opened a message on the card page: it is read from now on. Returns the card's
    unread count, or None when the card (by its page token) has no such message."""
    card = await Card.get_or_none(token=token, deleted_at=None)
    if card is None:
        return None
    now = utcnow()
    if not await InboxMessage.exists(id=message_id, card_id=card.id):
        return None
    # Conditional: the first open is when it was read, a second tab changes nothing.
    await InboxMessage.filter(id=message_id, card_id=card.id, read_at__isnull=True).update(read_at=now)
    return await InboxMessage.filter(card_id=card.id, expires_at__gt=now, read_at__isnull=True).count()


async def delete_expired() -> int:
    """Forget messages past their 90 days (the scheduler runs this); vouchers they carried stay."""
    return await InboxMessage.filter(expires_at__lte=utcnow()).delete()
