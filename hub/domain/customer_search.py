"""Finding a customer's card at the counter when the camera fails: by card number, email or name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q

from hub.domain import codes
from hub.domain.vouchers import waiting_vouchers
from hub.errors import DomainError
from hub.models import Card, CardTemplate, Customer, Voucher

MAX_RESULTS = 20
_NUMBER = re.compile(r"^#?\s*(\d[\d\s]{0,14})$")


@dataclass(frozen=True)
class CardHit:
    card_id: int
    number: int
    name: str
    email: str | None
    stamps: int
    stamps_required: int
    last_stamp_at: datetime | None
    # (voucher id, title) of the vouchers that can be redeemed now
    vouchers: tuple[tuple[int, str], ...] = ()


def _number(query: str) -> int | None:
    match = _NUMBER.match(query)
    if not match:
        return None
    digits = re.sub(r"\s", "", match.group(1))
    return int(digits) if len(digits) <= 12 else None


async def search_cards(business_id: int, query: str, *, secret: bytes | None = None) -> list[CardHit]:
    """Live cards of one business matching `query`, newest first.

    A number matches the card number exactly; text with "@" matches emails; other text
    matches names and emails (at least two characters). A scanned card code typed or
    pasted in is accepted too when `secret` is given.
    """
    query = (query or "").strip()[:120]
    if not query:
        return []
    cards = Card.filter(business_id=business_id, deleted_at=None)
    number = _number(query)
    if number is None and secret is not None:
        try:
            parsed = codes.parse_code(secret, query)
        except DomainError:
            parsed = None
        if parsed is not None and parsed.kind == "card":
            number = parsed.ident
    if number is not None:
        cards = cards.filter(number=number)
    else:
        if len(query) < 2:
            return []
        text = query.lower()
        matching = Customer.filter(business_id=business_id)
        if "@" in text:
            matching = matching.filter(email__icontains=text)
        else:
            matching = matching.filter(Q(name__icontains=query) | Q(email__icontains=text))
        customer_ids = await matching.limit(200).values_list("id", flat=True)
        if not customer_ids:
            return []
        cards = cards.filter(customer_id__in=list(customer_ids))
    rows = await cards.order_by("-id").limit(MAX_RESULTS)
    if not rows:
        return []
    customers = {c.id: c for c in await Customer.filter(id__in=[r.customer_id for r in rows])}
    templates = {t.id: t for t in await CardTemplate.filter(id__in=list({r.template_id for r in rows}))}
    waiting = await waiting_vouchers([row.id for row in rows])
    return [
        CardHit(
            card_id=row.id,
            number=row.number,
            name=customers[row.customer_id].name,
            email=customers[row.customer_id].email,
            stamps=row.stamps,
            stamps_required=templates[row.template_id].stamps_required,
            last_stamp_at=row.last_stamp_at,
            vouchers=tuple((v.id, v.title) for v in waiting[row.id]),
        )
        for row in rows
    ]


async def holder(card: Card) -> tuple[str | None, list[Voucher]]:
    """The card holder's name and, as with every verdict about a card, what they can redeem now."""
    customer = await Customer.get_or_none(id=card.customer_id)
    return (customer.name if customer else None), (await waiting_vouchers([card.id]))[card.id]
