"""Owner / staff / outsider: each test builds its own business, so tests never collide."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from hub.domain.api_keys import create_api_key
from hub.domain.businesses import add_location, add_seat, sign_up
from hub.domain.cards import issue_card
from hub.domain.stamps import add_stamp
from hub.domain.templates import create_template
from hub.models import Business, Card, CardTemplate, Location, StaffSeat


@dataclass
class Shop:
    business_id: int
    owner_email: str
    owner_password: str
    location: Location
    seat: StaffSeat
    seat_login: str
    seat_password: str
    template: CardTemplate
    api_key: str
    card: Card


async def make_shop(name: str = "Corner Café", plan: str = "monthly", **template: object) -> Shop:
    tag = uuid.uuid4().hex[:8]
    owner = await sign_up(name, f"owner-{tag}@example.com", "correct horse")
    await Business.filter(id=owner.business_id).update(plan=plan)
    location = await add_location(owner.business_id, "Main Street")
    seat = await add_seat(owner.business_id, location.id, "Bar Counter", f"bar-{tag}", "2468")
    values = {"stamps_required": 8, "cooldown_seconds": 0, "reward_title": "Free coffee", **template}
    tpl = await create_template(owner.business_id, "Coffee card", **values)
    _, key = await create_api_key(owner.business_id, "tests")
    card = await issue_card(owner.business_id, tpl.id, "Mina Park", email=f"mina-{tag}@example.com")
    return Shop(
        business_id=owner.business_id,
        owner_email=owner.email,
        owner_password="correct horse",
        location=location,
        seat=seat,
        seat_login=seat.login,
        seat_password="2468",
        template=tpl,
        api_key=key,
        card=card,
    )


async def new_card(shop: Shop, name: str = "Jon Doe") -> Card:
    return await issue_card(shop.business_id, shop.template.id, name)


async def use_up(shop, operations: int) -> None:
    """Operations so far: the shop's own card was issued (1)."""
    card = await new_card(shop)
    for _ in range(operations - 2):
        assert (await add_stamp(shop.business_id, card.id)).outcome in ("stamped", "reward")
