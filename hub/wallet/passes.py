"""Pass versions, Apple device registrations and delivery receipts.

A pass has a version that moves only when its rendered content changes, and an
`updated_at` that doubles as the PassKit update tag and the `Last-Modified` date.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from hub.clock import utcnow
from hub.domain import journal
from hub.domain.cards import updated_event
from hub.domain.locks import lock_card
from hub.models import Card, CardTemplate, WalletDelivery, WalletDevice, WalletPass, WalletRegistration
from hub.realtime import outbox
from hub.wallet.content import PassContent


def tag_of(moment: datetime) -> str:
    """The PassKit update tag: microseconds since the epoch, as a string."""
    return str(int(moment.timestamp() * 1_000_000))


def parse_tag(tag: str | None) -> datetime | None:
    """The `passesUpdatedSince` tag we handed out (microseconds since the epoch); None for
    anything else, however long."""
    tag = (tag or "").strip()
    if not tag.isascii() or not tag.isdigit() or len(tag) > 17:
        return None
    try:
        return datetime.fromtimestamp(int(tag) / 1_000_000, UTC)
    except (OverflowError, ValueError, OSError):
        return None


def whole_second(moment: datetime) -> datetime:
    """In UTC, truncated to the second: the resolution of HTTP dates."""
    return moment.astimezone(UTC).replace(microsecond=0)


def _next_updated_at(previous: datetime, now: datetime) -> datetime:
    # Last-Modified has one-second resolution: two versions in the same second would look
    # identical to If-Modified-Since, so every new version starts in a later second.
    return max(now, whole_second(previous) + timedelta(seconds=1))


async def refresh_pass(
    content: PassContent,
) -> tuple[WalletPass, bool]:
    """Record the pass's current rendition; returns (row, changed).

    Concurrent callers race on a conditional UPDATE, so a change bumps the version once.
    """
    now = utcnow()
    digest = content.digest()
    row = await WalletPass.get_or_none(card_id=content.card_id)
    if row is None:
        try:
            row = await WalletPass.create(
                card_id=content.card_id,
                digest=digest,
                version=1,
                template_version=content.template_version,
                updated_at=now,
            )
            return row, True
        except IntegrityError:
            row = await WalletPass.get(card_id=content.card_id)
    for _ in range(5):
        if row.digest == digest:
            return row, False
        updated_at = _next_updated_at(row.updated_at, now)
        won = await WalletPass.filter(id=row.id, version=row.version).update(
            digest=digest, version=row.version + 1, template_version=content.template_version, updated_at=updated_at
        )
        row = await WalletPass.get(id=row.id)
        if won:
            return row, True
        # Someone else bumped it meanwhile, perhaps to older content: compare again.
    return row, False


async def set_notice(card_id: int, text: str) -> None:
    """The campaign notice shown on the pass's back (and announced on Apple's lock screen)."""
    text = " ".join((text or "").split())[:255]
    updated = await WalletPass.filter(card_id=card_id).update(notice=text)
    if not updated:
        try:
            await WalletPass.create(card_id=card_id, digest="", version=0, updated_at=utcnow(), notice=text)
        except IntegrityError:
            await WalletPass.filter(card_id=card_id).update(notice=text)


async def _set_platform(conn, card: Card, platform: str, present: bool) -> None:
    """Add or drop a wallet in the card's platforms, journalled, announced after commit."""
    platforms = list(card.platforms or [])
    if (platform in platforms) == present:
        return
    card.platforms = [*platforms, platform] if present else [p for p in platforms if p != platform]
    await card.save(update_fields=["platforms"], using_db=conn)
    await journal.record(
        conn,
        card,
        "wallet_added" if present else "wallet_removed",
        detail={"platform": platform},
    )
    template = await CardTemplate.get(id=card.template_id).using_db(conn)
    await outbox.record(conn, updated_event(card, template))


async def set_platform(card_id: int, platform: str, present: bool) -> None:
    async with outbox.transaction() as conn:
        card = await lock_card(conn, card_id)
        if card is not None:
            await _set_platform(conn, card, platform, present)


async def register_device(card_id: int, library_id: str, push_token: str) -> bool:
    """Register a device for a card's pass updates; True when the registration is new."""
    async with outbox.transaction() as conn:
        card = await lock_card(conn, card_id)
        device = await WalletDevice.get_or_none(library_id=library_id).using_db(conn)
        if device is None:
            device = await WalletDevice.create(library_id=library_id, push_token=push_token, using_db=conn)
        elif device.push_token != push_token:
            device.push_token = push_token
            await device.save(update_fields=["push_token", "updated_at"], using_db=conn)
        exists = await WalletRegistration.filter(device_id=device.id, card_id=card_id).using_db(conn).exists()
        if not exists:
            await WalletRegistration.create(device_id=device.id, card_id=card_id, using_db=conn)
            if card is not None:
                await _set_platform(conn, card, "apple", True)
    return not exists


async def unregister_device(card_id: int, library_id: str) -> bool:
    """Remove a registration; the card loses the Apple mark when its last device goes."""
    async with outbox.transaction() as conn:
        card = await lock_card(conn, card_id)
        device = await WalletDevice.get_or_none(library_id=library_id).using_db(conn)
        if device is None:
            return False
        removed = await WalletRegistration.filter(device_id=device.id, card_id=card_id).using_db(conn).delete()
        if not await WalletRegistration.filter(device_id=device.id).using_db(conn).exists():
            await device.delete(using_db=conn)
        if (
            removed
            and card is not None
            and not await WalletRegistration.filter(card_id=card_id).using_db(conn).exists()
        ):
            await _set_platform(conn, card, "apple", False)
    return bool(removed)


async def drop_registration(registration: WalletRegistration) -> None:
    """APNs said the token is gone for good (410): forget it like an unregister."""
    device = await WalletDevice.get_or_none(id=registration.device_id)
    if device is not None:
        await unregister_device(registration.card_id, device.library_id)


async def serials_since(library_id: str, since: datetime | None) -> tuple[list[str], str | None]:
    """Serial numbers of this device's passes updated after `since`, and the new tag."""
    device = await WalletDevice.get_or_none(library_id=library_id)
    if device is None:
        return [], None
    registrations = await WalletRegistration.filter(device_id=device.id).prefetch_related("card")
    serials: list[str] = []
    latest: datetime | None = None
    now = utcnow()
    for registration in registrations:
        row = await WalletPass.get_or_none(card_id=registration.card_id)
        if row is None or row.version < 1 or (since is not None and row.updated_at <= since):
            continue
        serials.append(str(registration.card.number))
        latest = row.updated_at if latest is None else max(latest, row.updated_at)
        await WalletRegistration.filter(id=registration.id).update(listed_version=row.version, listed_at=now)
    return serials, tag_of(latest) if latest else None


async def record_fetch(
    card_id: int,
    version: int,
) -> None:
    """A device downloaded (or confirmed with a 304) pass `version`.

    The pass request does not say which device asks, so it is credited to the devices
    that were just told about this version (serials list), or, when none were, to every
    registered device still behind.
    """
    now = utcnow()
    behind = WalletRegistration.filter(card_id=card_id, fetched_version__lt=version)
    told = await behind.filter(listed_version__gte=version).values_list("id", flat=True)
    ids = told or await behind.values_list("id", flat=True)
    if not ids:
        return
    await WalletRegistration.filter(id__in=ids).update(fetched_version=version, fetched_at=now)
    await WalletDelivery.filter(
        platform="apple", registration_id__in=ids, pass_version__lte=version, fetched_at=None
    ).update(fetched_at=now)
