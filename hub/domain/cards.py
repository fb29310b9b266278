"""Issuing, reading and deleting customer cards."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError

from hub.clock import local_today, utcnow
from hub.domain import codes, journal, plans
from hub.domain.rows import select
from hub.domain.text import clean_email, clean_name
from hub.errors import InvalidInput, NotFound
from hub.i18n import supported
from hub.models import Business, Card, CardTemplate, Customer, Voucher, VoucherState
from hub.realtime import outbox
from hub.realtime.events import CardDeleted, CardIssued, CardState, CardUpdated

PLATFORMS = ("web", "apple", "google")
# Journal kinds of a new card: issued by the business (a card operation), or joined by the
# customer from the poster QR (not one: a stranger's sign-up must not spend the shop's plan).
ISSUE_KINDS = ("issued", "joined")


def card_state(card: Card, template: CardTemplate) -> CardState:
    return {
        "business_id": card.business_id,
        "card_id": card.id,
        "number": card.number,
        "token": card.token,
        "stamps": card.stamps,
        "stamps_required": template.stamps_required,
        "stamps_total": card.stamps_total,
        "template_id": template.id,
        "template_version": card.template_version,
        "last_stamp_at": card.last_stamp_at.isoformat() if card.last_stamp_at else None,
    }


def updated_event(card: Card, template: CardTemplate) -> CardUpdated:
    return {"type": "card.updated", "deleted": card.deleted_at is not None, **card_state(card, template)}


async def issue_card(
    business_id: int,
    template_id: int,
    name: str,
    *,
    email: str | None = None,
    birthday: date | None = None,
    marketing_consent: bool = False,
    platform: str = "web",
    joined: bool = False,
    language: str | None = None,
) -> Card:
    """A new customer with a card of the template; name, email and birthday are checked here for
    every path that issues cards (join page, API, admin). A card the business issues is a card
    operation of its plan; one the customer `joined` for on the public join page is not (their
    stamps are)."""
    name = clean_name(name, field="name", message="Please enter a name (up to 120 characters).")
    email = clean_email(email)
    template = await CardTemplate.get_or_none(id=template_id, business_id=business_id)
    if template is None:
        raise NotFound("No such stamp card.", field="template_id")
    if birthday is not None:
        business = await Business.get(id=business_id)
        check_birthday(birthday, today=local_today(business.timezone))
    for _ in range(20):  # a random number can collide; retry with a new one
        try:
            async with outbox.transaction() as conn:
                if not joined:
                    await plans.count_operation(conn, business_id)
                customer = await Customer.create(
                    business_id=business_id,
                    name=name,
                    email=email,
                    birthday=birthday,
                    marketing_consent=marketing_consent,
                    language=supported(language),
                    using_db=conn,
                )
                card = await Card.create(
                    business_id=business_id,
                    template_id=template.id,
                    customer_id=customer.id,
                    number=codes.new_card_number(),
                    token=codes.new_card_token(),
                    template_version=template.version,
                    platforms=[platform],
                    using_db=conn,
                )
                await journal.record(
                    conn,
                    card,
                    "joined" if joined else "issued",
                    detail={"platform": platform},
                )
                issued: CardIssued = {
                    "type": "card.issued",
                    "customer_name": name,
                    **card_state(card, template),
                }
                await outbox.record(conn, issued)
        except IntegrityError:
            continue
        return card
    raise RuntimeError("could not allocate a card number")


def check_birthday(birthday: date, *, today: date) -> None:
    """A birthday in the past, at most 120 years ago (the business's today)."""
    if birthday >= today or birthday.year < today.year - 120:
        raise InvalidInput("That birthday does not look right.", field="birthday")


async def get_card(business_id: int, number: int) -> Card:
    card = await Card.get_or_none(number=number, business_id=business_id, deleted_at=None)
    if card is None:
        raise NotFound("No card with that number.", number=number)
    return card


async def card_by_number(number: int) -> Card | None:
    """Card numbers are unique across businesses (a wallet pass's serial is one)."""
    return await Card.get_or_none(number=number)


async def card_by_id(card_id: int) -> Card | None:
    """The card as it is now, deleted or not (a page showing it says which)."""
    return await Card.get_or_none(id=card_id)


async def get_card_by_token(token: str) -> Card | None:
    """The live card behind a link; every card page's socket asks on connect, so by hand."""
    if not token or len(token) > 32:
        return None
    found = await select(Card, 'x."token" = {} AND x."deleted_at" IS NULL', token, limit=1)
    return found[0] if found else None


async def card_summary(card: Card, secret: bytes, public_url: str) -> dict[str, Any]:
    """The card as the API and the seed print it."""
    template = await CardTemplate.get(id=card.template_id)
    vouchers = await Voucher.filter(card_id=card.id).order_by("-id")
    return {
        "number": card.number,
        "token": card.token,
        "code": codes.card_code(secret, card.number),
        "page_url": f"{public_url}/c/{card.token}",
        "stamps": card.stamps,
        "stamps_required": template.stamps_required,
        "vouchers": [
            {
                "id": v.id,
                "title": v.title,
                "state": v.state.value,
                "code": codes.voucher_code(secret, v.id),
                "redeem_code": codes.format_redeem_code(v.redeem_code),
                "expires_at": v.expires_at.isoformat() if v.expires_at else None,
            }
            for v in vouchers
        ],
    }


async def delete_card(business_id: int, card_id: int, *, actor: str = "admin") -> None:
    """Soft delete: the journal keeps its rows, the card stops working everywhere."""
    now = utcnow()
    async with outbox.transaction() as conn:
        card = await Card.get_or_none(id=card_id, business_id=business_id, deleted_at=None).using_db(conn)
        if card is None:
            raise NotFound("No such card.")
        card.deleted_at = now
        await card.save(update_fields=["deleted_at"], using_db=conn)
        await (
            Voucher.filter(card_id=card.id, state__in=[VoucherState.ISSUED, VoucherState.ACTIVE])
            .using_db(conn)
            .update(state=VoucherState.EXPIRED)
        )
        await journal.record(
            conn,
            card,
            "deleted",
            detail={"by": actor},
        )
        template = await CardTemplate.get(id=card.template_id).using_db(conn)
        deleted: CardDeleted = {
            "type": "card.deleted",
            "business_id": business_id,
            "card_id": card.id,
            "number": card.number,
            "token": card.token,
        }
        await outbox.record(conn, deleted)
        await outbox.record(conn, updated_event(card, template))
