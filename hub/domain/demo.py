"""The demo business created on first start. Idempotent: a second call reuses it."""

from __future__ import annotations

from typing import Any

from hub.domain import codes, setup
from hub.domain.api_keys import create_api_key
from hub.domain.businesses import add_location, add_seat, sign_up
from hub.domain.cards import issue_card
from hub.domain.demo_history import seed_history
from hub.domain.templates import create_template
from hub.models import Business, Card, CardTemplate, Location, OwnerAccount, StaffSeat

ADMIN_EMAIL = "owner@demo.stamphub"
ADMIN_PASSWORD = "demo-owner-2026"
LOCATIONS = ("Main Street", "Market Square")
# (login, name, PIN, location): two seats at each of the two locations.
STAFF = [
    ("bar", "Bar Counter", "1234", "Main Street"),
    ("kiosk", "Kiosk Tablet", "4321", "Main Street"),
    ("till", "Cash Register", "5678", "Market Square"),
    ("window", "Window Counter", "8765", "Market Square"),
]


async def seed_demo(secret: bytes, public_url: str, *, history_days: int = 90) -> dict[str, Any]:
    """The demo business; on its first seeding also `history_days` of activity (0: none)."""
    owner = await OwnerAccount.get_or_none(email=ADMIN_EMAIL)
    if owner is None:
        owner = await sign_up("Demo Café", ADMIN_EMAIL, ADMIN_PASSWORD)
    business_id = owner.business_id
    await Business.filter(id=business_id).update(plan="monthly")
    locations = {loc.name: loc for loc in await Location.filter(business_id=business_id)}
    for name in LOCATIONS:
        if name not in locations:
            locations[name] = await add_location(business_id, name)
    for login, name, pin, where in STAFF:
        if not await StaffSeat.exists(login=login):
            await add_seat(business_id, locations[where].id, name, login, pin)
    template = await CardTemplate.filter(business_id=business_id).order_by("id").first()
    if template is None:
        template = await create_template(
            business_id,
            "Coffee card",
            stamps_required=8,
            cooldown_seconds=0,
            reward_type="voucher",
            reward_title="Free coffee",
        )
    card = await Card.filter(business_id=business_id, deleted_at=None).order_by("id").first()
    if card is None:
        card = await issue_card(business_id, template.id, "Alex Sample", email="alex@example.com")
    seats = await StaffSeat.filter(business_id=business_id, login__in=[s[0] for s in STAFF]).order_by("id")
    history = await seed_history(
        business_id, template.id, [(seat.id, seat.location_id) for seat in seats], days=history_days
    )
    if history["stamps"]:
        await setup.poster_printed(business_id)  # a shop with three months of customers has its poster up
    _, api_key = await create_api_key(business_id, "demo")
    return {
        "admin": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        "staff": [{"login": login, "password": pin, "location": where} for login, _, pin, where in STAFF],
        "history": history,
        "api_key": api_key,
        "template_id": template.id,
        "card": {
            "number": card.number,
            "page_url": f"{public_url}/c/{card.token}",
            "token": card.token,
            "code": codes.card_code(secret, card.number),
        },
        "urls": {
            "admin": f"{public_url}/admin",
            "scanner": f"{public_url}/scanner",
            "kiosk": f"{public_url}/kiosk",
            "card": f"{public_url}/c/{card.token}",
            "join": f"{public_url}/join/{template.id}",
        },
    }
