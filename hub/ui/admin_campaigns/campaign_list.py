"""/admin/campaigns: every campaign with live progress and per-channel stats."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from hub.domain import campaigns, segments
from hub.models import Campaign
from hub.ui.admin.frame import Debounced, Section, Session, frame, notifies_errors, when
from hub.ui.admin.owner_pages import admin_page
from hub.ui.admin_campaigns.common import CHANNEL_LABELS, campaign_menu, channel_stats, progress_text
from hub.ui.live import subscribe


@admin_page("/admin/campaigns", "Campaigns")
async def campaigns_page(session: Session) -> None:
    with frame(session, "Campaigns"):
        campaign_menu("Campaigns")
        with ui.row().classes("w-full items-center"):
            ui.label("Messages to your customers over wallet PUSH, email and messengers.").classes(
                "text-stone-600 grow"
            )
            ui.button("New campaign", icon="campaign", on_click=lambda: ui.navigate.to("/admin/campaigns/new")).mark(
                "new-campaign"
            )
        section = Section(lambda: _load(session), lambda data: _draw(session, data, section))
        await section.reload()
    refresh = Debounced(section.reload, 0.5)
    subscribe(
        f"business:{session.business_id}", lambda event: refresh() if event.get("type") == "campaign.progress" else None
    )
    return None


async def _load(session: Session) -> list[tuple[Campaign, dict[str, Any]]]:
    return await campaigns.recent_campaigns(session.business_id)


def _draw(session: Session, data: list[tuple[Campaign, dict[str, Any]]], section: Section) -> None:
    if not data:
        ui.label("No campaigns yet.").classes("text-stone-500").mark("no-campaigns")
    for campaign, numbers in data:
        with ui.card().classes("w-full").mark(f"campaign-{campaign.id}"):
            with ui.row().classes("w-full items-center gap-4"):
                ui.link(campaign.name, f"/admin/campaigns/{campaign.id}").classes("text-lg font-bold")
                ui.label(", ".join(CHANNEL_LABELS.get(c, c) for c in campaign.channels)).classes("text-stone-500")
                ui.label(segments.describe(campaign.segment)).classes("text-stone-500 grow")
                ui.label(progress_text(campaign, numbers)).classes("font-medium").mark("campaign-progress")
                if campaign.status in ("queued", "scheduled", "sending"):
                    ui.button("Cancel", on_click=lambda c=campaign: _cancel(session, c, section)).props(
                        "flat color=negative"
                    ).mark(f"cancel-{campaign.id}")
            if numbers["total"]:
                ui.linear_progress(numbers["done"] / numbers["total"], show_value=False).classes("w-full")
            channel_stats(numbers)
            ui.label(f"Created {when(campaign.created_at)}").classes("text-xs text-stone-400")


@notifies_errors
async def _cancel(session: Session, campaign: Campaign, section: Section) -> None:
    await campaigns.cancel_campaign(session.business_id, campaign.id)
    ui.notify(f"“{campaign.name}” cancelled.")
    await section.reload()
