"""What a card page shows, read from the database: now, or as of a journal event.

Both the live page and the admin's "view as customer" build the same `CardView`, so the
admin sees exactly what the customer saw; only the source of the numbers differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from hub.clock import utcnow
from hub.db import fetch
from hub.domain.inbox import InboxItem, card_inbox
from hub.domain.lottery import prize_titles
from hub.domain.rows import model_from, select, select_list
from hub.models import Business, Card, CardEvent, CardTemplate, Customer, LotteryDraw, Voucher, VoucherState

HISTORY_ROWS = 8
# Redeemed / expired vouchers stay on the page a while, so a screenshot of one is
# visibly dead next to the real page.
FINISHED_VOUCHERS = 3


@dataclass
class VoucherView:
    id: int
    title: str
    state: str  # active | redeemed | expired
    redeem_code: str
    source: str
    expires_at: datetime | None
    finished_at: datetime | None = None


@dataclass
class HistoryRow:
    id: int
    kind: str
    created_at: datetime
    delta: int
    title: str | None
    won: bool | None = None


@dataclass
class CardView:
    card: Card
    template: CardTemplate
    business: Business
    holder: str
    stamps: int
    deleted: bool
    vouchers: list[VoucherView] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    as_of: CardEvent | None = None
    unwatched_draws: list[LotteryDraw] = field(default_factory=list)  # the page spins these
    inbox: list[InboxItem] = field(default_factory=list)
    unread: int = 0
    prizes: list[str] = field(default_factory=list)  # what a full lottery card spins for

    @property
    def live_vouchers(self) -> list[VoucherView]:
        return [v for v in self.vouchers if v.state == "active"]

    @property
    def finished_vouchers(self) -> list[VoucherView]:
        return [v for v in self.vouchers if v.state != "active"][:FINISHED_VOUCHERS]


def _history_row(event: CardEvent) -> HistoryRow:
    detail = event.detail or {}
    return HistoryRow(
        id=event.id,
        kind=event.kind,
        created_at=event.created_at,
        delta=event.delta,
        title=detail.get("title"),
        won=detail.get("won"),
    )


async def _frame(card: Card) -> tuple[CardTemplate, Business, str]:
    # Read with the card when it came from `card_for_page` (one statement instead of four).
    template, business, customer = (getattr(card, name, None) for name in ("template", "business", "customer"))
    if not isinstance(template, CardTemplate):
        template = await CardTemplate.get(id=card.template_id)
    if not isinstance(business, Business):
        business = await Business.get(id=card.business_id)
    if not isinstance(customer, Customer):
        customer = await Customer.get_or_none(id=card.customer_id)
    return template, business, customer.name if customer else ""


async def _unwatched_draws(card_id: int) -> list[LotteryDraw]:
    """Draws the customer has not watched yet, oldest first: the spin reveals their outcome,
    not the voucher list or the history."""
    return await select(LotteryDraw, 'x."card_id" = {} AND x."revealed_at" IS NULL', card_id, order='x."id"')


async def current_view(card: Card, *, hide_unrevealed_prizes: bool = True) -> CardView:
    """The card as it is now."""
    now = utcnow()
    template, business, holder = await _frame(card)
    unwatched = await _unwatched_draws(card.id) if hide_unrevealed_prizes else []
    hidden = {row.voucher_id for row in unwatched if row.voucher_id}
    draws = {row.id for row in unwatched}
    vouchers = []
    for v in await select(Voucher, 'x."card_id" = {}', card.id, order='x."id" DESC', limit=50):
        if v.id in hidden:
            continue
        state = v.state.value
        if v.state in (VoucherState.ISSUED, VoucherState.ACTIVE):
            # Past its expiry the voucher is dead even before the expiry job has run.
            state = "expired" if v.expires_at is not None and v.expires_at <= now else "active"
        finished = v.redeemed_at if v.state == VoucherState.REDEEMED else v.expires_at
        vouchers.append(VoucherView(v.id, v.title, state, v.redeem_code, v.source, v.expires_at, finished))
    events = await select(CardEvent, 'x."card_id" = {}', card.id, order='x."id" DESC', limit=HISTORY_ROWS)
    messages, unread = await card_inbox(card.id, hidden_vouchers=hidden)
    return CardView(
        card=card,
        template=template,
        business=business,
        holder=holder,
        stamps=card.stamps,
        deleted=card.deleted_at is not None,
        vouchers=vouchers,
        history=[_history_row(e) for e in events if not _hidden_event(e, hidden, draws)],
        unwatched_draws=unwatched,
        inbox=messages,
        unread=unread,
        prizes=await prize_titles(template),
    )


def _hidden_event(event: CardEvent, vouchers: set[int], draws: set[int]) -> bool:
    if event.kind == "lottery_drawn":
        return (event.detail or {}).get("draw_id") in draws
    return event.kind == "voucher_issued" and event.voucher_id in vouchers


async def view_as_of(card: Card, event: CardEvent) -> CardView:
    """The card as its customer saw it right after journal event `event`.

    Stamps come from the event's `stamps_after`; each voucher's state is replayed from the
    journal up to and including the event.
    """
    template, business, holder = await _frame(card)
    events = await CardEvent.filter(card_id=card.id, id__lte=event.id).order_by("id")
    states: dict[int, tuple[str, datetime | None]] = {}
    for row in events:
        if row.voucher_id is None:
            continue
        if row.kind == "voucher_issued":
            states[row.voucher_id] = ("active", None)
        elif row.kind == "voucher_redeemed":
            states[row.voucher_id] = ("redeemed", row.created_at)
        elif row.kind == "voucher_expired":
            states[row.voucher_id] = ("expired", row.created_at)
    rows = {v.id: v for v in await Voucher.filter(id__in=list(states))} if states else {}
    vouchers = [
        VoucherView(vid, rows[vid].title, state, rows[vid].redeem_code, rows[vid].source, rows[vid].expires_at, at)
        for vid, (state, at) in sorted(states.items(), reverse=True)
        if vid in rows
    ]
    return CardView(
        card=card,
        template=template,
        business=business,
        holder=holder,
        stamps=event.stamps_after,
        deleted=any(row.kind == "deleted" for row in events),
        vouchers=vouchers,
        history=[_history_row(e) for e in reversed(events[-HISTORY_ROWS:])],
        as_of=event,
        prizes=await prize_titles(template),
    )


async def card_for_owner(
    business_id: int, card_id: int, as_of: int | None = None
) -> tuple[Card, CardEvent | None] | None:
    """The business's own card, and the journal event to show it as of; None for another
    business's card or an event not of this card, so ids cannot be probed."""
    card = await Card.get_or_none(id=card_id, business_id=business_id)
    if card is None:
        return None
    if as_of is None:
        return card, None
    event = await CardEvent.get_or_none(id=as_of, card_id=card.id)
    return (card, event) if event is not None else None


async def card_for_page(token: str) -> Card | None:
    """The card behind a page link with its template, business and holder, a deleted one
    included (its page offers a new card); one statement, as every open page asks often.

    The same check as `cards.get_card_by_token`: the token is the customer's unguessable key.
    """
    if not token or len(token) > 32:
        return None
    rows = await fetch(Card._meta.db, _page_sql(), token)
    if not rows:
        return None
    card = model_from(Card, rows[0], "c")
    card.template = model_from(CardTemplate, rows[0], "t")
    card.business = model_from(Business, rows[0], "b")
    if rows[0]["u_id"] is not None:
        card.customer = model_from(Customer, rows[0], "u")
    return card


@cache
def _page_sql() -> str:
    return (
        f"SELECT {select_list(Card, 'c')}, {select_list(CardTemplate, 't')}, {select_list(Business, 'b')}, "
        f"{select_list(Customer, 'u')} "
        'FROM "card" c JOIN "card_template" t ON t."id" = c."template_id" '
        'JOIN "business" b ON b."id" = c."business_id" LEFT JOIN "customer" u ON u."id" = c."customer_id" '
        'WHERE c."token" = {}'
    )
