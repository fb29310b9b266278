"""A new business's first steps, read from what the owner has actually done: design the card,
print the join poster, add a staff seat, the first scan, the first reward."""

from __future__ import annotations

from dataclasses import dataclass

from hub.clock import utcnow
from hub.models import Business, Card, CardEvent, CardTemplate, StaffSeat


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    hint: str
    href: str
    done: bool


async def checklist(business_id: int) -> list[Step]:
    """The five steps in order, each done or not."""
    business = await Business.get(id=business_id)
    template = await CardTemplate.filter(business_id=business_id).order_by("id").first()
    designer = f"/admin/templates/{template.id}" if template else "/admin/templates"
    return [
        Step(
            "design",
            "Design your card",
            "Create a stamp card: colours, logo, how many stamps, the reward.",
            designer,
            template is not None,
        ),
        Step(
            "poster",
            "Print the QR poster",
            "Customers scan it at the counter to get their card.",
            "/admin/templates",
            business.poster_printed_at is not None,
        ),
        Step(
            "seat",
            "Add a staff seat",
            "One login per workstation: the bar, the till, a kiosk tablet.",
            "/admin/staff",
            await StaffSeat.exists(business_id=business_id),
        ),
        Step(
            "scan",
            "First scan",
            "Open the scanner with a staff login and stamp a card.",
            "/scanner",
            await CardEvent.exists(business_id=business_id, kind="stamp"),
        ),
        Step(
            "reward",
            "First reward",
            "A customer fills a card and gets the reward.",
            "/admin/cards",
            await Card.exists(business_id=business_id, rounds_completed__gt=0),
        ),
    ]


async def poster_printed(business_id: int) -> None:
    """The owner downloaded the join poster; the first download is the one that counts."""
    await Business.filter(id=business_id, poster_printed_at=None).update(poster_printed_at=utcnow())
