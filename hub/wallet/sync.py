"""Bring a card's wallet passes up to date: push every Apple device that is behind and
PATCH the Google object. Run by RQ jobs (hub/workers/wallet_jobs.py).

Each (device, pass version) and (Google object, pass version) is a WalletDelivery row
with a unique key, so a retried or duplicated job never pushes the same version twice,
and staff can see per device when a push was accepted and when the pass was fetched.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from hub.clock import utcnow
from hub.config import settings
from hub.models import (
    Card,
    GoogleWalletClass,
    GoogleWalletObject,
    WalletDelivery,
    WalletPass,
    WalletRegistration,
)
from hub.wallet import google, passes
from hub.wallet.apns import ApnsClient
from hub.wallet.config import GoogleConfig, WalletConfig, wallet_config
from hub.wallet.content import PassContent, load_content

log = logging.getLogger(__name__)

_clients: dict[tuple[Any, int], Any] = {}


class RetryLater(Exception):
    """Some deliveries failed for a reason that may pass (429, 5xx, network); the job is retried."""


@dataclass
class SyncReport:
    card_id: int
    version: int = 0
    changed: bool = False
    apple: dict[str, str] = field(default_factory=dict)  # device library id → outcome
    google: str | None = None
    transient: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "version": self.version,
            "changed": self.changed,
            "apple": self.apple,
            "google": self.google,
        }


def _client(settings_: Any, factory: Callable[[], Any]) -> Any:
    # httpx clients belong to the event loop that made them (a worker keeps one loop), and
    # to the settings they were made from (keyed by value, so a reload gets fresh ones).
    key = (settings_, id(asyncio.get_running_loop()))
    if key not in _clients:
        _clients[key] = factory()
    return _clients[key]


def apns_client(conf: WalletConfig) -> ApnsClient:
    return _client(conf.apple, lambda: ApnsClient(conf.apple))


def google_client(conf: WalletConfig, *, interactive: bool = False) -> google.GoogleWalletClient:
    """The Google client; `interactive` ones (a customer waiting on a click) try once, briefly."""
    assert conf.google is not None
    if interactive:
        return _client(
            (conf.google, "interactive"),
            lambda: google.GoogleWalletClient(conf.google, attempts=1, backoff=0, timeout=5.0),
        )
    return _client(
        (conf.google, conf.push_attempts, conf.backoff_seconds),
        lambda: google.GoogleWalletClient(conf.google, attempts=conf.push_attempts, backoff=conf.backoff_seconds),
    )


async def _delivery(key: str, **values: Any) -> WalletDelivery:
    found = await WalletDelivery.get_or_none(key=key)
    if found is not None:
        return found
    try:
        return await WalletDelivery.create(key=key, **values)
    except IntegrityError:
        return await WalletDelivery.get(key=key)


async def _push_one(
    client: ApnsClient, conf: WalletConfig, registration: WalletRegistration, row: WalletPass
) -> tuple[str, bool]:
    delivery = await _delivery(
        f"apple:{registration.id}:{row.version}",
        card_id=registration.card_id,
        platform="apple",
        registration_id=registration.id,
        pass_version=row.version,
    )
    if delivery.status in ("accepted", "gone"):
        return delivery.status, False
    result, tries = await client.push_with_retries(
        registration.device.push_token, attempts=conf.push_attempts, backoff=conf.backoff_seconds
    )
    values: dict[str, Any] = {
        "attempts": delivery.attempts + tries,
        "detail": (result.apns_id if result.accepted else f"{result.status} {result.reason}".strip())[:255],
    }
    if result.accepted:
        values.update(status="accepted", accepted_at=utcnow())
    elif result.gone:
        values.update(status="gone")
        await passes.drop_registration(registration)
    elif result.transient:
        values.update(status="retrying")
    else:
        values.update(status="failed")
        log.warning("APNs refused a pass push: %s %s", result.status, result.reason)
    await WalletDelivery.filter(id=delivery.id).update(**values)
    return values["status"], values["status"] == "retrying"


async def push_apple(card_id: int, row: WalletPass, conf: WalletConfig, report: SyncReport) -> None:
    registrations = await WalletRegistration.filter(card_id=card_id, fetched_version__lt=row.version).prefetch_related(
        "device"
    )
    if not registrations:
        return
    if not conf.apple.can_push:
        report.apple = {r.device.library_id: "push not configured" for r in registrations}
        return
    client = apns_client(conf)
    outcomes = await asyncio.gather(*(_push_one(client, conf, r, row) for r in registrations))
    for registration, (status, transient) in zip(registrations, outcomes, strict=True):
        report.apple[registration.device.library_id] = status
        report.transient |= transient


async def ensure_class(client: google.GoogleWalletClient, conf: GoogleConfig, content: PassContent) -> str:
    """The LoyaltyClass of the card's template version, created in Google once."""
    known = await GoogleWalletClass.get_or_none(template_id=content.template_id, version=content.template_version)
    if known is not None:
        return known.class_id
    body = google.loyalty_class(conf, content, public_url=settings().public_url)
    await client.insert_class(body)
    try:
        await GoogleWalletClass.create(
            template_id=content.template_id, version=content.template_version, class_id=body["id"]
        )
    except IntegrityError:
        pass
    return body["id"]


async def sync_google(
    card: Card, content: PassContent, row: WalletPass, conf: WalletConfig, report: SyncReport
) -> None:
    if conf.google is None:
        return
    obj = await GoogleWalletObject.get_or_none(card_id=card.id)
    if obj is None:
        return
    if obj.status == "synced" and obj.synced_version >= row.version:
        report.google = "current"
        return
    client = google_client(conf)
    delivery = await _delivery(
        f"google:{card.id}:{row.version}", card_id=card.id, platform="google", pass_version=row.version
    )
    secret = settings().secret_key
    try:
        class_ = await ensure_class(client, conf.google, content)
        answer = await client.upsert_object(google.loyalty_object(conf.google, content, secret=secret))
    except google.GoogleApiError as exc:
        status = "retrying" if exc.transient else "failed"
        await GoogleWalletObject.filter(id=obj.id).update(status=status)
        await WalletDelivery.filter(id=delivery.id).update(
            status=status, attempts=F("attempts") + 1, detail=str(exc)[:255]
        )
        if not exc.transient:
            log.warning("Google Wallet refused an object update: %s", exc)
        report.google = status
        report.transient |= exc.transient
        return
    has_users = bool(answer.get("hasUsers"))
    now = utcnow()
    await GoogleWalletObject.filter(id=obj.id).update(
        status="synced", synced_version=row.version, synced_at=now, class_id=class_, has_users=has_users
    )
    await WalletDelivery.filter(id=delivery.id).update(status="accepted", accepted_at=now, attempts=F("attempts") + 1)
    # Google reports whether anyone holds the object: saved, or removed from every phone.
    if has_users != ("google" in (card.platforms or [])) and (has_users or obj.has_users):
        await passes.set_platform(card.id, "google", has_users)
    report.google = "accepted"


async def sync_card(card_id: int) -> SyncReport:
    """Re-render the card's pass; when it changed, push every device and patch Google."""
    conf = wallet_config()
    report = SyncReport(card_id)
    card = await Card.get_or_none(id=card_id)
    if card is None:
        return report
    content = await load_content(card, secret=settings().secret_key, public_url=settings().public_url)
    row, report.changed = await passes.refresh_pass(content)
    report.version = row.version
    await push_apple(card.id, row, conf, report)
    await sync_google(card, content, row, conf, report)
    return report


async def claim_notification(obj: GoogleWalletObject, today: date) -> bool:
    """Take one of today's three notifying messages for this object, atomically."""
    if await GoogleWalletObject.filter(id=obj.id, messages_day=today, messages_sent__lt=google.NOTIFY_PER_DAY).update(
        messages_sent=F("messages_sent") + 1
    ):
        return True
    return bool(
        await GoogleWalletObject.filter(Q(messages_day__isnull=True) | Q(messages_day__lt=today), id=obj.id).update(
            messages_day=today, messages_sent=1
        )
    )


async def send_message(card_id: int, header: str, body: str, message_id: str) -> dict[str, Any]:
    """A campaign notice: a lock-screen change message on Apple, an object message on Google
    (notifying while today's allowance lasts, silent after that)."""
    conf = wallet_config()
    out: dict[str, Any] = {}
    await passes.set_notice(card_id, f"{header}: {body}" if header else body)
    report = await sync_card(card_id)
    out["apple"] = report.apple
    obj = await GoogleWalletObject.get_or_none(card_id=card_id)
    if conf.google is not None and obj is not None:
        notify = await claim_notification(obj, utcnow().date())
        try:
            await google_client(conf).add_message(
                obj.object_id, header=header, body=body, message_id=message_id, notify=notify
            )
            out["google"] = "notified" if notify else "silent"
        except google.GoogleApiError as exc:
            if exc.transient:
                raise RetryLater(str(exc)) from exc
            out["google"] = f"failed: {exc}"
    if report.transient:
        raise RetryLater(f"card {card_id}: some deliveries will be retried")
    return out


async def current_pass(card: Card) -> tuple[PassContent, WalletPass]:
    """The card's pass content now, with its version brought up to date."""
    content = await load_content(card, secret=settings().secret_key, public_url=settings().public_url)
    row, _ = await passes.refresh_pass(content)
    return content, row


async def refresh_device_passes(library_id: str) -> None:
    """Before answering "what changed?", make sure every pass of the device is current,
    so a device that polls on its own sees changes even before a sync job ran."""
    cards = await Card.filter(wallet_registrations__device__library_id=library_id)
    for card in cards:
        await current_pass(card)


async def google_save_link(card: Card) -> str:
    """The "Save to Google Wallet" URL for a card.

    The class and object are created through the API first, so the JWT only names them
    and later PATCHes reach the very object the holder saved. When the API cannot be
    reached, the JWT carries both in full and Google creates them on save.
    """
    conf = wallet_config()
    if conf.google is None:
        raise RuntimeError("Google Wallet is not configured")
    content, row = await current_pass(card)
    client = google_client(conf, interactive=True)
    object_body = google.loyalty_object(conf.google, content, secret=settings().secret_key)
    synced = False
    known = await GoogleWalletObject.filter(card_id=card.id).exists()
    try:
        await ensure_class(client, conf.google, content)
        write = client.upsert_object if known else client.insert_object
        answer = await write(object_body)
        synced = True
        payload: dict[str, Any] = {"loyaltyObjects": [{"id": object_body["id"], "classId": object_body["classId"]}]}
    except google.GoogleApiError as exc:
        log.warning("Google Wallet API unavailable for a save link, embedding the pass: %s", exc)
        answer = {}
        payload = {
            "loyaltyClasses": [google.loyalty_class(conf.google, content, public_url=settings().public_url)],
            "loyaltyObjects": [object_body],
        }
    values = {
        "object_id": object_body["id"],
        "class_id": object_body["classId"],
        "status": "synced" if synced else "pending",
        "synced_version": row.version if synced else 0,
        "synced_at": utcnow() if synced else None,
        "has_users": bool(answer.get("hasUsers")),
    }
    if not await GoogleWalletObject.filter(card_id=card.id).update(**values):
        try:
            await GoogleWalletObject.create(card_id=card.id, **values)
        except IntegrityError:
            await GoogleWalletObject.filter(card_id=card.id).update(**values)
    return client.save_url(payload, origins=[settings().public_url])
