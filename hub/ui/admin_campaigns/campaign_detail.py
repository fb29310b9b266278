"""/admin/campaigns/<id>: one campaign's live progress, stats and the deliveries that did not go out."""

from __future__ import annotations

from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui

from hub.api.types import IdPath
from hub.domain import campaigns, segments
from hub.errors import NotFound
from hub.ui.admin.frame import Debounced, Section, frame, when
from hub.ui.admin.owner_pages import Session, admin_page
from hub.ui.admin_campaigns.common import CHANNEL_LABELS, REASONS, campaign_menu, channel_stats, progress_text
from hub.ui.live import subscribe


@admin_page("/admin/campaigns/{campaign_id}", "Campaign")
async def campaign_page(session: Session, campaign_id: IdPath) -> RedirectResponse | None:
    try:
        campaign = await campaigns.get_campaign(session.business_id, campaign_id)
    except NotFound:
        return RedirectResponse("/admin/campaigns", status_code=303)
    with frame(session, "Campaigns"):
        campaign_menu("")
        ui.label(campaign.name).classes("text-xl font-bold").mark("campaign-name")
        ui.label(
            f"{segments.describe(campaign.segment)} · {', '.join(CHANNEL_LABELS.get(c, c) for c in campaign.channels)}"
        ).classes("text-stone-500")
        if campaign.attachment:
            what = campaign.attachment.get("title") or "a lottery slot"
            ui.label(f"Each recipient gets: {what}").classes("text-stone-500")
        section = Section(lambda: _load(session.business_id, campaign.id), _draw)
        await section.reload()
    refresh = Debounced(section.reload, 0.3)
    subscribe(
        f"business:{session.business_id}",
        lambda e: refresh() if e.get("type") == "campaign.progress" and e.get("campaign_id") == campaign.id else None,
    )
    return None


async def _load(business_id: int, campaign_id: int) -> dict[str, Any]:
    return await campaigns.campaign_report(business_id, campaign_id)


def _draw(data: dict[str, Any]) -> None:
    campaign, numbers = data["campaign"], data["stats"]
    with ui.card().classes("w-full"):
        ui.label(progress_text(campaign, numbers)).classes("text-lg font-medium").mark("campaign-progress")
        if numbers["total"]:
            ui.linear_progress(numbers["done"] / numbers["total"], show_value=False).classes("w-full")
        channel_stats(numbers)
        ui.label(f"Started {when(campaign.started_at)} · finished {when(campaign.finished_at)}").classes(
            "text-xs text-stone-400"
        )
    if data["problems"]:
        with ui.card().classes("w-full"):
            ui.label("Not delivered").classes("text-lg font-bold")
            for row in data["problems"]:
                with ui.row().classes("w-full gap-3 text-sm border-b py-1").mark(f"failed-{row.id}"):
                    ui.label(f"#{data['numbers'].get(row.card_id, row.card_id)}").classes("w-20")
                    ui.label(CHANNEL_LABELS.get(row.channel, row.channel)).classes("w-24")
                    ui.label(REASONS.get(row.reason, row.reason)).classes("w-40")
                    ui.label(row.detail).classes("grow text-stone-600")
