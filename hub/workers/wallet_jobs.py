"""Wallet jobs: bring a card's passes up to date, send a campaign notice to them."""

from __future__ import annotations

from typing import Any

from hub.wallet import schedule, sync
from hub.workers.loop import run


def sync_card(card_id: int) -> dict[str, Any]:
    """Push Apple devices and patch the Google object for one card (coalesced by card)."""
    # Before reading the card: a change committed from here on schedules its own sync.
    schedule.clear_pending(card_id)
    report = run(sync.sync_card, card_id)
    if report.transient:
        raise sync.RetryLater(f"card {card_id}: some deliveries will be retried")
    return report.as_dict()


def send_message(card_id: int, header: str, body: str, message_id: str) -> dict[str, Any]:
    return run(sync.send_message, card_id, header, body, message_id)
