"""Pieces the campaign pages share: labels, the stats line, and queueing jobs off the event loop."""

from __future__ import annotations

from typing import Any

from nicegui import run, ui

from hub.models import Campaign
from hub.runtime import runtime
from hub.ui.admin.frame import when

CHANNEL_LABELS = {"push": "PUSH", "email": "Email", "messenger": "Messenger"}


def push_route_text(reach: dict[str, Any]) -> str:
    """Where PUSH lands, from `campaigns.reach`: wallet passes, browser notifications, or only
    the card page's inbox (seen when the customer next opens the card)."""
    if reach.get("audience") == 1:
        routes = [name for key, name in (("wallet", "wallet pass"), ("web_push", "browser notification")) if reach[key]]
        return f"card inbox + {' + '.join(routes)}" if routes else "card inbox only (no wallet, no notifications)"
    return (
        f"{reach['push']}: wallet {reach['wallet']} · web push {reach['web_push']} · "
        f"card inbox only {reach['inbox_only']}"
    )


STATUS_LABELS = {
    "draft": "Draft",
    "scheduled": "Scheduled",
    "queued": "Queued",
    "sending": "Sending",
    "done": "Done",
    "cancelled": "Cancelled",
    "active": "Active",
    "paused": "Paused",
}
REASONS = {
    "no_email": "no email",
    "no_consent": "no marketing consent",
    "unsubscribed": "unsubscribed",
    "no_wallet": "no wallet",
    "no_messenger": "no messenger contact",
    "not_connected": "messenger not connected",
    "not_configured": "email not configured",
    "card_deleted": "card deleted",
    "cancelled": "cancelled",
    "bounced": "bounced",
    "gave_up": "gave up after retries",
}


def campaign_menu(active: str) -> None:
    with ui.row().classes("gap-2"):
        for label, href in (
            ("Campaigns", "/admin/campaigns"),
            ("Automations", "/admin/campaigns/automations"),
            ("Messenger gateway", "/admin/campaigns/messenger"),
        ):
            ui.button(label, on_click=lambda h=href: ui.navigate.to(h)).props(
                "unelevated" if label == active else "flat"
            ).mark(f"campaigns-tab-{href.rsplit('/', 1)[-1]}")


def progress_text(campaign: Campaign, numbers: dict[str, Any]) -> str:
    if campaign.status == "sending":
        return f"Sending {numbers['done']} / {numbers['total']}"
    if campaign.status == "scheduled" and campaign.scheduled_at:
        return f"Scheduled for {when(campaign.scheduled_at)}"
    label = STATUS_LABELS.get(campaign.status, campaign.status)
    return f"{label} · {numbers['done']} / {numbers['total']}" if numbers["total"] else label


def channel_stats(numbers: dict[str, Any]) -> None:
    """Per channel: delivered / failed / skipped (and open), each marked for tests."""
    with ui.row().classes("gap-4 text-sm"):
        for channel, per in sorted(numbers["channels"].items()):
            open_ = per.get("pending", 0) + per.get("sending", 0)
            text = (
                f"{CHANNEL_LABELS.get(channel, channel)}: {per.get('delivered', 0)} delivered · "
                f"{per.get('failed', 0)} failed · {per.get('skipped', 0)} skipped"
            )
            ui.label(text + (f" · {open_} to go" if open_ else "")).mark(f"stats-{channel}")


async def enqueue(fn: Any, *args: Any) -> None:
    """Queue a job without blocking the page's event loop on Redis."""
    await run.io_bound(fn, *args, redis_url=runtime().redis_url)
