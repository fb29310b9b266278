"""PUSH: a campaign notice on the customer's wallet passes and on any open card page.

The wallet side belongs to hub.wallet: `hub.wallet.schedule.queue_message` queues a job that
sets the pass's notice (Apple announces it on the lock screen through `changeMessage`) and
calls Google's `addMessage`. The message id is derived from the delivery, so queueing it
again after a crash is recognised downstream (Google answers 409, the Apple notice is the
same text and the pass digest does not change) and the holder is not notified twice.

The card page side is the `card.message` event, recorded by the caller in the transaction
that marks the delivery delivered.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable

from hub.delivery.results import SendResult

log = logging.getLogger(__name__)

WALLET_PLATFORMS = ("apple", "google")

QueueMessage = Callable[..., str]


def has_wallet(platforms: list[str] | None) -> bool:
    return any(p in WALLET_PLATFORMS for p in platforms or [])


def _wallet_queue() -> QueueMessage | None:
    try:
        module = importlib.import_module("hub.wallet.schedule")
    except ImportError:
        return None
    return getattr(module, "queue_message", None)


def message_id(campaign_id: int, delivery_id: int) -> str:
    return f"stamphub-campaign-{campaign_id}-delivery-{delivery_id}"


async def notify_wallet(card_id: int, header: str, body: str, *, key: str) -> SendResult:
    """Queue the notice for the card's passes. Transient on Redis trouble (the row is retried)."""
    queue_message = _wallet_queue()
    if queue_message is None:
        return SendResult.bounced("wallet passes are not available in this installation")
    try:
        await asyncio.to_thread(queue_message, card_id, header, body, message_id=key)
    except Exception as exc:  # Redis or configuration trouble on the wallet side: retried later
        log.warning("wallet notice for card %s not queued: %s", card_id, exc)
        return SendResult.transient(f"wallet queue unavailable: {exc}")
    return SendResult.accepted("queued to wallet")
