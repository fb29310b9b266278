"""Delivery receipts for staff: did the customer's phone get the change?

A push being accepted by APNs only means Apple will try; the device asking for the new
pass version (conditional GET) is the proof. The card history shows, per operation,
"updated in wallet at 14:02" or "not yet".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub import clock
from hub.models import Business, Card, GoogleWalletObject, WalletDelivery, WalletPass, WalletRegistration


@dataclass(frozen=True)
class DeviceReceipt:
    platform: str  # "apple" | "google"
    device: str  # a short, stable label for the device (or the Google object)
    current_version: int
    pushed_at: datetime | None  # last push accepted by APNs / last PATCH accepted by Google
    fetched_at: datetime | None  # when the device last downloaded the pass (Apple only)
    fetched_version: int
    up_to_date: bool


async def wallet_receipts(card_id: int) -> list[DeviceReceipt]:
    """Where the card's pass stands on each device (and in Google Wallet)."""
    row = await WalletPass.get_or_none(card_id=card_id)
    version = row.version if row else 0
    out: list[DeviceReceipt] = []
    registrations = await WalletRegistration.filter(card_id=card_id).prefetch_related("device").order_by("id")
    for registration in registrations:
        last = (
            await WalletDelivery.filter(registration_id=registration.id, status="accepted")
            .order_by("-pass_version")
            .first()
        )
        out.append(
            DeviceReceipt(
                platform="apple",
                device=registration.device.library_id[:8],
                current_version=version,
                pushed_at=last.accepted_at if last else None,
                fetched_at=registration.fetched_at,
                fetched_version=registration.fetched_version,
                up_to_date=registration.fetched_version >= version,
            )
        )
    obj = await GoogleWalletObject.get_or_none(card_id=card_id)
    if obj is not None:
        out.append(
            DeviceReceipt(
                platform="google",
                device=obj.object_id.rsplit(".", 1)[-1],
                current_version=version,
                pushed_at=obj.synced_at,
                fetched_at=None,
                fetched_version=obj.synced_version,
                up_to_date=obj.status == "synced" and obj.synced_version >= version,
            )
        )
    return out


async def history_note(card_id: int, at: datetime) -> str | None:
    """For a card operation made at `at`: "updated in wallet at HH:MM" (business time),
    "not yet", or None when the card is in no Apple Wallet."""
    if not await WalletRegistration.filter(card_id=card_id).exists():
        if not await WalletDelivery.filter(card_id=card_id, platform="apple", created_at__gte=at).exists():
            return None
    fetched = (
        await WalletDelivery.filter(card_id=card_id, platform="apple", created_at__gte=at, fetched_at__not_isnull=True)
        .order_by("fetched_at")
        .first()
    )
    if fetched is None or fetched.fetched_at is None:
        return "not yet"
    card = await Card.get(id=card_id)
    business = await Business.get(id=card.business_id)
    local = fetched.fetched_at.astimezone(clock.zone(business.timezone))
    return f"updated in wallet at {local:%H:%M}"


async def regeneration_progress(template_id: int, version: int) -> dict[str, int]:
    """How many of the template's wallet passes already show `version` (for the admin's
    "Regenerate" progress): `done` of `total` cards that live in a wallet."""
    apple = await WalletRegistration.filter(card__template_id=template_id, card__deleted_at=None).values_list(
        "card_id", flat=True
    )
    google_ = await GoogleWalletObject.filter(card__template_id=template_id, card__deleted_at=None).values_list(
        "card_id", flat=True
    )
    in_wallets = set(apple) | set(google_)
    if not in_wallets:
        return {"done": 0, "total": 0}
    done = await WalletPass.filter(card_id__in=in_wallets, template_version__gte=version).count()
    return {"done": done, "total": len(in_wallets)}


async def history_notes(card_id: int, moments: list[datetime]) -> dict[datetime, str]:
    """`history_note` for many journal rows of one card, in two queries.

    Only moments with something to say are in the answer (none when the card is in no
    Apple Wallet)."""
    deliveries = await WalletDelivery.filter(card_id=card_id, platform="apple").order_by("created_at")
    if not deliveries and not await WalletRegistration.filter(card_id=card_id).exists():
        return {}
    zone = None
    notes: dict[datetime, str] = {}
    for moment in moments:
        fetched = [d.fetched_at for d in deliveries if d.created_at >= moment and d.fetched_at is not None]
        if not fetched:
            notes[moment] = "not yet"
            continue
        if zone is None:
            card = await Card.get(id=card_id)
            zone = clock.zone((await Business.get(id=card.business_id)).timezone)
        notes[moment] = f"updated in wallet at {min(fetched).astimezone(zone):%H:%M}"
    return notes
